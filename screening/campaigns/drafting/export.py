"""The table the recommender sends (``[export] table``): 推荐汇总表 or 推荐排序表, as the notice names it.

The first mention wins: notices name their attachments in the text that asks for them ("请填写推荐汇总表（见附件2）")
and again in the attachment list. A bare 汇总表 (the 2020 call: "推荐函、汇总表、申报表") counts as 推荐汇总表.
A notice that names neither gets 推荐排序表 with a note, and a doubt for the reviewer.
"""

from __future__ import annotations

import re

from ..model import UNNAMED_TABLE_NOTE
from .notes import Notes
from .reading import Notice

_TABLE = re.compile(r"(推荐)?(汇总|排序)表")
_NAMES = {"汇总": "推荐汇总表", "排序": "推荐排序表"}


def read_export(notice: Notice, notes: Notes) -> dict:
    m = notice.search(_TABLE)
    if m is None:
        notes.unsure("table", "通知中没有找到推荐汇总表或推荐排序表；按推荐排序表起草，请核对。")
        return {"table": "推荐排序表", "note": UNNAMED_TABLE_NOTE}
    evidence = notice.match_evidence(m)
    notes.source("table", evidence)
    return {"table": _NAMES[m.group(2)], "clause": evidence.clause}
