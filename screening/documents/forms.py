"""Application forms (申报表): reading their fields, and screening one long field as a material of its own.

A 申报表 (e.g. 附件1 of the 2024 "全国智慧广电网络新服务" call) is a table of label cells and value cells::

    案例名称 | ……………………………
    联系人   | 张三 | 职 务 | 主任
    案例简介（500字以内） | ……

Reading rules, deliberately simple:

- a cell is a *label* when, after removing spaces, the printed hint in brackets and a trailing colon, it is one of the
  known names or their aliases (``FIELD_ALIASES``); its value is the next cell on the row that is not itself a label,
  or, when the label stands alone on its row, the text of the following row;
- merged cells arrive once (the parsers drop the repeats), so a value spanning three columns is read once;
- a printed hint left at the start of a value ("（500 字以内）") is removed; for tick-box fields (案例层级, 所在地) the
  ticked options (☑ ■ √ ✓) are the value;
- text documents and PDFs without ruling may carry the same fields as ``案例名称：……`` lines; a label line with
  nothing after the colon takes the paragraphs that follow, up to the next label.

A document is a form when at least ``MIN_FIELDS`` different fields are found. Values keep their offsets into
``Document.text`` when the value appears there verbatim (``FormField.start``/``end``), else -1.
"""

from __future__ import annotations

import re

from ..errors import EmptyFile, InputError
from .model import Block, Document, FormField
from .structure import assemble
from .text import text_blocks

MIN_FIELDS = 3

# The one list of 申报表 field names and their spellings across calls and forms (the batch table's columns read the
# canonical names, ``batch.columns.TABLE``). Each spelling maps to one field; the first label found wins.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "案例名称": ("案例名称", "项目名称", "案例标题"),
    "征集类别": ("征集类别", "申报类别", "案例类别", "类别"),
    "案例层级": ("案例层级", "层级"),
    "申报单位": ("申报单位", "申报单位名称", "单位名称", "推荐单位"),
    "所在地": ("所在地", "所在地区", "所属地区"),
    "联系人": ("联系人",),
    "职务": ("职务", "部门及职务", "职务职称", "部门"),
    "联系电话": ("联系电话", "电话", "办公电话", "联系方式"),
    "手机": ("手机", "手机号码", "移动电话"),
    "案例简介": ("案例简介", "项目简介", "简介"),
    "申报材料": ("申报材料", "详细材料", "案例材料", "案例详细材料"),
    "备注": ("备注",),
}
_BY_ALIAS = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}
_HINT = re.compile(r"[（(][^（()）]*[）)]")
_LEADING_HINT = re.compile(r"^\s*[（(][^（()）]*(?:字以内|字以下|不超过|上传|此处|如有|请)[^（()）]*[）)]\s*")
_CHECKED = re.compile(r"[☑☒■√✓✔▣]\s*([^☐□☑☒■√✓✔▣\s]+)")
_BOX = re.compile(r"[☐□☑☒■√✓✔▣]")
_LABEL_LINE = re.compile(r"^\s*([^：:\n]{1,12}?)\s*[：:]\s*(.*)$", re.DOTALL)


def field_name(label: str) -> str | None:
    """The canonical field name of a label cell (``"职 务"`` → 职务, ``"案例简介（500字以内）"`` → 案例简介), else None."""
    key = _HINT.sub("", re.sub(r"\s+", "", label)).rstrip("：:")
    return _BY_ALIAS.get(key)


def clean_value(value: str) -> str:
    """A value without a leftover printed hint; for tick-box fields, the ticked options joined by 、."""
    value = _LEADING_HINT.sub("", value).strip()
    if _BOX.search(value):
        return "、".join(_CHECKED.findall(value))
    return value


def read_form(doc: Document) -> dict[str, FormField]:
    """The 申报表 fields of ``doc`` (empty when fewer than ``MIN_FIELDS`` are found): tables first, then lines."""
    fields: dict[str, FormField] = {}
    for block in doc.blocks:
        if block.kind == "table" and block.rows:
            _read_table(doc, block, fields)
    if len(fields) < MIN_FIELDS:
        _read_lines(doc, fields)
    return fields if len(fields) >= MIN_FIELDS else {}


def _read_table(doc: Document, block: Block, fields: dict[str, FormField]) -> None:
    cursor = block.start
    rows = [[cell for cell in row if cell] for row in block.rows]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            name = field_name(cell)
            if name is None or name in fields:
                continue
            value = _value_beside(row, c)
            if value is None and r + 1 < len(rows) and not any(field_name(x) for x in rows[r + 1]):
                value = "\n".join(rows[r + 1])
            value = clean_value(value or "")
            start = doc.text.find(value, cursor, block.end) if value else -1
            if start >= 0:
                cursor = start + len(value)
            fields[name] = FormField(name, value, start, start + len(value) if start >= 0 else -1)


def _value_beside(row: list[str], index: int) -> str | None:
    """The next cell after a label, unless it is itself a label (then the field is blank); None at the row's end."""
    if index + 1 >= len(row):
        return None
    neighbour = row[index + 1]
    return "" if field_name(neighbour) else neighbour


def _read_lines(doc: Document, fields: dict[str, FormField]) -> None:
    pending: FormField | None = None  # a long field whose value is in the following paragraphs
    for block in doc.blocks:
        if block.kind == "table":
            continue
        match = _LABEL_LINE.match(block.text)
        name = field_name(match.group(1)) if match else None
        if name and name not in fields:
            value = clean_value(match.group(2))
            offset = block.start + match.start(2) + match.group(2).find(value) if value else -1
            pending = FormField(name, value, offset, offset + len(value) if value else -1)
            fields[name] = pending
            if value:
                pending = None
        elif pending is not None:
            _extend(doc, pending, block)


def _extend(doc: Document, field: FormField, block: Block) -> None:
    if field.start < 0:
        field.start = block.start
    field.end = block.end
    field.value = doc.text[field.start : field.end]


def field_document(doc: Document, name: str) -> Document:
    """A ``Document`` holding one form field (e.g. 案例简介), so it can be screened as its own material.

    Its offsets index the field's own text, not the form's. Raises ``InputError`` when the form lacks the field and
    ``EmptyFile`` when the field is blank.
    """
    form_field = doc.form.get(name)
    if form_field is None:
        raise InputError(f"申报表中没有找到「{name}」一栏，请确认提交的是申报表，或直接提交该部分材料。")
    if not form_field.value.strip():
        raise EmptyFile(f"申报表的「{name}」一栏是空的，请填写后再提交。")
    blocks = text_blocks(form_field.value)
    return assemble(
        blocks,
        format=doc.format,
        filename=f"{doc.filename}#{name}" if doc.filename else name,
        detect_title=False,
        title=doc.field_value("案例名称") or doc.title,
        sha256=doc.sha256,
        notes=[f"本材料取自申报表「{name}」一栏。"],
        scan=doc.scan,  # OCR and seals belong to the file, whichever field is screened
    )
