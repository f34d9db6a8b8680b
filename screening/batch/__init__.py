"""The bureau's batch pre-screen: many materials in, one table out (推荐排序表 / 推荐汇总表).

A provincial bureau receives dozens of materials and must send the ministry a ranked list within its quota. This module
does the part a machine can do and leaves the decision to the bureau:

1. **Screen every material** with the same use case as the self-check (``screen_sources``, through
   ``screening.pipeline.screen_source``); a file that cannot be read becomes a row with its Chinese error, never a
   failed batch.
2. **Find duplicates across the batch** (``screening.duplicates.cross_batch``): the same case sent twice, or under two
   categories, which the notices forbid.
3. **Suggest a priority order** (``assess``) with the reasons for each place: the verdict first, then how many of the
   call's required elements the material covers, then how well its data covers the dimensions the notice asks for,
   minus a penalty for duplicates and for each warning. The score is a sorting aid, not a judgement of merit: it only
   measures what the checks measure, and says so in the reasons.
4. **Check the quota** of the call's rulebook (``Campaign.quotas``) for the recommending unit's kind: per category and in
   total, walking the list in priority order and naming the entries beyond each limit.

The bureau edits the order and the included set (``BatchEdits``); ``assess`` is a pure function of the screened
materials and the edits, so an edit simply re-runs it and the quota status follows the new order.

Everything about batches lives here, and depends only on the core (``screening.pipeline``), never on a face: the CLI
runs a batch in process (``run_batch``); the API stores it (``store.BatchStore``) and its queue workers run it
(``worker.BatchRunner``, through the same ``screen_one`` / ``batch_duplicates`` / ``assess_batch``).

Modules: ``sources`` (folders and zips in), ``run`` (running a batch: screening, in-batch duplicates, assessing),
``models`` (the data), ``columns`` (the table's columns from a report), ``scoring``, ``quota``, ``table``
(``assess``), ``export`` (推荐排序表 XLSX / CSV), ``store`` (batches in the database, the queue) and ``worker`` (the
queue worker of a server process). ``store`` and ``worker`` import SQLAlchemy: import them by module path.
"""

from .columns import case_name_of, columns_of
from .models import (
    ROW_VERDICT_LABELS,
    SCHEMA,
    BatchEdits,
    BatchReport,
    BatchRow,
    DuplicateLink,
    QuotaLine,
    QuotaStatus,
    Screened,
)
from .quota import check_quota, quota_rule
from .run import assess_batch, batch_duplicates, find_duplicates, new_item_id, run_batch, screen_one, screen_sources
from .scoring import data_coverage, data_dimensions, element_coverage, element_statuses, score_row
from .sources import (
    ACCEPTED_LABEL,
    ACCEPTED_SUFFIXES,
    Source,
    ZipLimits,
    check_suffix,
    pair_versions,
    safe_filename,
    sources_from_path,
    sources_from_zip,
    zip_member_name,
)
from .table import assess

__all__ = [
    "ACCEPTED_LABEL",
    "ACCEPTED_SUFFIXES",
    "ROW_VERDICT_LABELS",
    "SCHEMA",
    "BatchEdits",
    "BatchReport",
    "BatchRow",
    "DuplicateLink",
    "QuotaLine",
    "QuotaStatus",
    "Screened",
    "Source",
    "ZipLimits",
    "assess",
    "assess_batch",
    "batch_duplicates",
    "case_name_of",
    "check_quota",
    "check_suffix",
    "columns_of",
    "data_coverage",
    "data_dimensions",
    "element_coverage",
    "element_statuses",
    "find_duplicates",
    "new_item_id",
    "pair_versions",
    "quota_rule",
    "run_batch",
    "safe_filename",
    "score_row",
    "screen_one",
    "screen_sources",
    "sources_from_path",
    "sources_from_zip",
    "zip_member_name",
]
