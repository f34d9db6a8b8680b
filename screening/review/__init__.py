"""The reviewers' desk: what bureaus submit (报送) upward, checked across bureaus for the whole call, reviewed and
decided with an audit trail.

- ``store``: the tables (submissions frozen with their files and reports, append-only decisions, the access log);
- ``freeze``: a bureau submits a finished batch; a reviewer imports a zip received by mail for a named bureau;
- ``checks``: flags over the whole call (duplicates across bureaus, re-submission bans, quotas by kind of unit,
  confident category mismatches, lateness), each with its evidence beside the matching record;
- ``queue``: the call's items sorted by risk and filtered; ``export``: the review table (XLSX / CSV).

Roles (who may see what) are the API's concern (``api.access``); this package takes the restriction as arguments.
Nothing here is imported by ``screening.config``, so the package may import the rest of the library freely.
"""

from .checks import FLAG_LABELS, CrossChecks, Flag, call_flags
from .errors import (
    AlreadySubmitted,
    BatchNotFinished,
    CallNotAssigned,
    InvalidDecision,
    ReviewError,
    ReviewItemNotFound,
    SubmissionNotFound,
    UnknownBureau,
)
from .export import review_csv, review_filename, review_xlsx
from .freeze import check_bureau, import_zip, submit_batch
from .queue import Queue, QueueEntry, QueueFilter, build_queue, entry_for
from .store import DECISIONS, Decision, FrozenItem, ReviewStore, Submission

__all__ = [
    "DECISIONS",
    "FLAG_LABELS",
    "AlreadySubmitted",
    "BatchNotFinished",
    "CallNotAssigned",
    "CrossChecks",
    "Decision",
    "Flag",
    "FrozenItem",
    "InvalidDecision",
    "Queue",
    "QueueEntry",
    "QueueFilter",
    "ReviewError",
    "ReviewItemNotFound",
    "ReviewStore",
    "Submission",
    "SubmissionNotFound",
    "UnknownBureau",
    "build_queue",
    "call_flags",
    "check_bureau",
    "entry_for",
    "import_zip",
    "review_csv",
    "review_filename",
    "review_xlsx",
    "submit_batch",
]
