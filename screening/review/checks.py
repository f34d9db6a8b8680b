"""Checks over every submission of a call, which no single bureau can run: each finding is a ``Flag`` on one item,
with the evidence from this material (``ours``) beside the matching record (``theirs`` / ``other``), as the
self-check report shows a duplicate.

=============  ==========================================================================================  ========
flag           what                                                                                        source
=============  ==========================================================================================  ========
``banned``     a re-submission the call's rulebook forbids (2024 selection again in the same category)    report
``error``      the pre-screen found errors (verdict 不符合要求) or could not read the file                report
``duplicate``  the same case recommended by another bureau (or twice): verbatim, reworded or renamed       here
``mismatch``   a confident category mismatch (the classifier's top category, above its confidence bar)    report
``quota``      beyond the bureau's quota for its kind of unit, per category or in total                   here
``late``       submitted (or received) after the call's deadline                                          here
``archive``    similar to an earlier selection or stored submission, without breaking a rule             report
=============  ==========================================================================================  ========

"report" flags are read from the frozen report (its ``duplicates`` and ``category`` checks ran against the archive
when the material was screened); "here" flags are computed over the whole call each time, so a submission arriving
later updates the flags of those before it.

Duplicates reuse ``screening.duplicates`` over the recommended materials of the whole call (the same comparison,
form blanking and rule verdicts as within one batch), on LSH candidate pairs, and keep the pairs from different
submissions (``duplicate_flags``). ``CrossChecks`` caches the flags per set of submissions, and the samples per
material.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..batch import check_quota
from ..campaigns.model import Campaign
from ..duplicates.compare import KIND_LABELS
from ..report import SEVERITY_ORDER
from .store import FrozenItem, Submission

log = logging.getLogger(__name__)

FLAG_LABELS = {
    "banned": "违反重复申报限制",
    "error": "预审发现错误",
    "duplicate": "跨机构重复",
    "mismatch": "类别不符",
    "quota": "超出名额",
    "late": "逾期报送",
    "archive": "与往届或已存材料相似",
}
# Risk order of the queue: errors, duplicates and mismatches first (issue 18), then quota and lateness.
FLAG_WEIGHTS = {"banned": 100, "error": 60, "duplicate": 50, "mismatch": 30, "quota": 20, "late": 15, "archive": 10}
BAN_CODES = {"duplicates.resubmitted_same_category", "duplicates.same_product"}


@dataclass
class Flag:
    kind: str
    severity: str  # error | warning
    message: str  # Chinese
    rule: str | None = None
    ours: list[dict[str, Any]] = field(default_factory=list)  # spans of this material: start, end, text, label
    theirs: list[dict[str, Any]] = field(default_factory=list)  # the matching passages of the other record
    other: dict[str, Any] | None = None  # the matching record: another bureau's item, or an archive record

    @property
    def label(self) -> str:
        return FLAG_LABELS[self.kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "severity": self.severity,
            "message": self.message,
            "rule": self.rule,
            "ours": self.ours,
            "theirs": self.theirs,
            "other": self.other,
        }


def risk_of(flags: list[Flag], verdict: str) -> int:
    """The queue's sort key: the weight of each kind of flag present, plus a little for a 需修改 verdict."""
    kinds = {f.kind for f in flags}
    return sum(FLAG_WEIGHTS[k] for k in kinds) + (5 if verdict == "revise" else 0)


# --- from the frozen report ------------------------------------------------------------------------------------


def report_flags(item: FrozenItem) -> list[Flag]:
    if item.report is None:
        error = item.row.error or {}
        return [Flag("error", "error", f"文件无法读取：{error.get('message', '预审未完成')}")]
    flags = []
    duplicates = item.report.duplicates
    by_message = {m.message: m for m in duplicates.matches} if duplicates else {}
    for finding in item.report.findings:
        ours = [span.model_dump() for span in finding.evidence]
        if finding.check == "duplicates":
            match = by_message.get(finding.message)
            kind = "banned" if finding.code in BAN_CODES and finding.severity == "error" else "archive"
            flags.append(
                Flag(
                    kind,
                    finding.severity,
                    finding.message,
                    finding.rule,
                    ours=ours,
                    theirs=[p.theirs.model_dump() for p in match.passages] if match else [],
                    other=_archive_record(match.record.model_dump() if match and match.record else None),
                )
            )
        elif finding.code == "category.mismatch":
            flags.append(Flag("mismatch", finding.severity, finding.message, finding.rule, ours=ours))
    if item.report.verdict == "reject":
        errors = [f for f in item.report.findings if f.severity == "error" and f.check != "duplicates"]
        if errors:
            flags.append(
                Flag(
                    "error",
                    "error",
                    "；".join(f.message for f in errors[:3]),
                    errors[0].rule,
                    ours=[s.model_dump() for f in errors for s in f.evidence][:3],
                )
            )
    return flags


def _archive_record(record: dict | None) -> dict[str, Any] | None:
    if not record:
        return None
    return {
        "type": "archive",
        "year": record.get("year"),
        "campaign": record.get("campaign"),
        "category": record.get("category"),
        "case_name": record.get("case_name"),
        "unit": record.get("unit"),
        "kind": record.get("kind"),
        "source": record.get("source"),
    }


# --- across the call -------------------------------------------------------------------------------------------


def duplicate_flags(
    items: list[FrozenItem], campaign: Campaign, samples: SampleCache | None = None
) -> dict[str, list[Flag]]:
    """Pairs of recommended materials from different submissions that duplicate each other, flagged on both.

    The comparison is ``screening.duplicates``' own: the sentences many materials of the call share (its form) are
    blanked (``shared_sentences``), each pair is compared (``compare``) and judged (``judge_pair``: the call's
    one-case-one-category rule). Two things differ from a batch's ``cross_batch``, both for a call's size:

    - candidate pairs come from MinHash LSH on character 5-grams and word sets, with the thresholds the archive index
      uses (``screening.duplicates.index``), instead of every pair: 372 materials are 69,006 pairs, and a profile
      of the every-pair version spent 2.1 s on 1,770 pairs (~1.2 ms each, shared machine), so well over a minute
      for a national call. Exact scores still decide, as for the archive; at 79 materials the candidates found every
      pair the every-pair comparison found (bench/results/review.md);
    - the samples (jieba's word sets, the slow part: ~0.1-0.2 s per material) are cached per material and form, so
      a new submission only pays for its own materials.
    """
    from ..duplicates.check import shared_sentences  # late: fingerprinting imports jieba and numpy

    readable = [i for i in items if i.included and i.report is not None and i.text.strip()]
    if len(readable) < 2:
        return {}
    form = frozenset(shared_sentences([i.text for i in readable]))
    cache = samples if samples is not None else SampleCache()
    built = [cache.sample(i, form) for i in readable]
    flags: dict[str, list[Flag]] = defaultdict(list)
    for x, y in candidate_pairs(built):
        a, b = readable[x], readable[y]
        if a.submission.id == b.submission.id:
            continue  # within one batch: the bureau's own table already shows it
        pair = compare_pair(built[x], built[y], a, b, campaign)
        if pair is None:
            continue
        comparison, verdict = pair
        cite = f"{campaign.notice_number} {verdict.rule.clause}" if verdict.rule else None
        passages = [p.to_dict() for p in comparison.passages]
        for this, other, ours_key, theirs_key in ((a, b, "ours", "theirs"), (b, a, "theirs", "ours")):
            who = "同一机构另一次报送" if this.bureau == other.bureau else f"{other.bureau}报送"
            message = (
                f"与{who}的“{other.case_name or other.filename}”（{other.category or '未填写类别'}）"
                f"{KIND_LABELS[comparison.kind]}（相似度 {comparison.score:.0%}）。"
            )
            flags[this.id].append(
                Flag(
                    "duplicate",
                    verdict.severity,
                    message,
                    cite,
                    ours=[p[ours_key] for p in passages],
                    theirs=[p[theirs_key] for p in passages],
                    other={"type": "submission", **other.summary()},
                )
            )
    return dict(flags)


def compare_pair(ours, theirs, a: FrozenItem, b: FrozenItem, campaign: Campaign):
    """``(comparison, verdict)`` when the two materials duplicate each other, else None."""
    from ..duplicates import compare
    from ..duplicates.rules import judge_pair

    comparison = compare(ours, theirs)
    if comparison.kind is None:
        return None
    verdict = judge_pair(
        comparison,
        campaign=campaign,
        category_a=a.category,
        category_b=b.category,
        name_a=a.case_name or a.filename,
        name_b=b.case_name or b.filename,
    )
    return comparison, verdict


def candidate_pairs(samples: list) -> list[tuple[int, int]]:
    """Index pairs worth comparing: any hit of the character or word LSH; samples too short for text are compared
    with every other (only names and units can match them, and there are few)."""
    from datasketch import MinHashLSH

    from ..duplicates import fingerprints as fp
    from ..duplicates.index import CHAR_LSH_THRESHOLD, WORD_LSH_THRESHOLD, Fingerprint

    chars = MinHashLSH(threshold=CHAR_LSH_THRESHOLD, num_perm=fp.NUM_PERM)
    words = MinHashLSH(threshold=WORD_LSH_THRESHOLD, num_perm=fp.NUM_PERM)
    prints = {}
    for n, sample in enumerate(samples):
        if sample.has_text:
            prints[n] = Fingerprint.of(sample)
            chars.insert(n, prints[n].chars)
            words.insert(n, prints[n].words)
    pairs = set()
    for n in range(len(samples)):
        if n in prints:
            found = set(chars.query(prints[n].chars)) | set(words.query(prints[n].words))
        else:
            found = set(range(len(samples)))
        pairs.update((min(n, m), max(n, m)) for m in found if m != n)
    return sorted(pairs)


class SampleCache:
    """Each material's comparison sample, per form (the blanked sentences), built once. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples: dict[tuple[str, frozenset], object] = {}

    def sample(self, item: FrozenItem, form: frozenset):
        from ..duplicates import Sample
        from ..duplicates.check import blank_sentences

        key = (item.id, form)
        with self._lock:
            found = self._samples.get(key)
        if found is None:
            found = Sample.of(blank_sentences(item.text, set(form)), name=item.case_name, unit=item.unit)
            with self._lock:
                self._samples[key] = found
        return found


def quota_flags(items: list[FrozenItem], campaign: Campaign) -> dict[str, list[Flag]]:
    """Each bureau's recommended items of the call, per kind of unit, against the call's quota for that kind.

    A bureau's submissions count together, in submission order then the bureau's rank (``check_quota`` walks rows
    in priority order, so the entries named over a limit are the last ones the bureau sent)."""
    groups: dict[tuple[str, str], list[FrozenItem]] = defaultdict(list)
    for item in items:
        if item.included:
            groups[(item.bureau, item.submission.unit_kind)].append(item)
    flags: dict[str, list[Flag]] = defaultdict(list)
    for (bureau, unit_kind), members in groups.items():
        rows = []
        for rank, item in enumerate(members, start=1):
            rows.append(
                item.row.model_copy(update={"id": item.id, "rank": rank, "included": True, "category": item.category})
            )
        status = check_quota(rows, campaign, unit_kind=unit_kind)
        if not status.specified:
            continue
        lines = [
            f"{'类别“' + line.category + '”' if line.scope == 'category' else '总数'}：{line.count} / {line.limit}"
            for line in status.lines
            if not line.ok
        ]
        for row in rows:
            for reason in row.over_quota:
                flags[row.id].append(
                    Flag(
                        "quota",
                        "error",
                        f"{bureau}（{status.unit_label}）{reason}。",
                        status.rule,
                        ours=[{"text": "；".join(lines), "label": "本机构推荐数 / 名额"}],
                    )
                )
    return dict(flags)


def late_flag(submission: Submission, campaign: Campaign) -> Flag | None:
    deadline = campaign.dates.deadline
    if deadline is None or submission.submitted_at.date() <= deadline:
        return None
    when = "收到" if submission.origin == "import" else "报送"
    return Flag(
        "late",
        "warning",
        f"{when}日期 {submission.submitted_at.date().isoformat()} 晚于征集截止日期 {deadline.isoformat()}。",
        f"{campaign.notice_number} {campaign.dates.deadline_clause}".strip(),
        ours=[{"text": submission.submitted_at.date().isoformat(), "label": f"{when}日期"}],
        theirs=[{"text": deadline.isoformat(), "label": "征集截止"}],
    )


def call_flags(
    items: list[FrozenItem], campaign: Campaign, samples: SampleCache | None = None
) -> dict[str, list[Flag]]:
    """Every flag of every item of the call, most severe first."""
    flags: dict[str, list[Flag]] = {i.id: report_flags(i) for i in items}
    for computed in (duplicate_flags(items, campaign, samples), quota_flags(items, campaign)):
        for item_id, extra in computed.items():
            flags[item_id].extend(extra)
    late = {}
    for item in items:
        if item.submission.id not in late:
            late[item.submission.id] = late_flag(item.submission, campaign)
        if late[item.submission.id] is not None:
            flags[item.id].append(late[item.submission.id])
    for found in flags.values():
        found.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), -FLAG_WEIGHTS[f.kind]))
    return flags


class CrossChecks:
    """``call_flags`` cached per call and set of submissions: the queue page, its filters, the item view and the
    export all ask for the same flags, and a new submission (a new set) recomputes them, reusing every earlier
    material's sample. One computation per call at a time: a second caller waits for it instead of doing it again.

    Measured (bench/results/review.md): a national call of 372 materials costs 121.8 s cold and 13.1 s with the
    samples cached, on 2 CPUs shared with other jobs (load 17), so ``warm`` is called in the background after each
    submission and import: the reviewer's first look at the queue finds the samples ready."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._call_locks: dict[str, threading.Lock] = {}
        self._cache: dict[str, tuple[tuple, dict[str, list[Flag]]]] = {}
        self.samples = SampleCache()

    def flags(self, campaign: Campaign, items: list[FrozenItem]) -> dict[str, list[Flag]]:
        key = tuple(sorted({(i.submission.id, i.submission.submitted_at) for i in items}, key=str))
        with self._lock:
            call_lock = self._call_locks.setdefault(campaign.id, threading.Lock())
        with call_lock:
            cached = self._cache.get(campaign.id)
            if cached and cached[0] == key:
                return cached[1]
            computed = call_flags(items, campaign, samples=self.samples)
            self._cache[campaign.id] = (key, computed)
            return computed

    def warm(self, campaign: Campaign, load_items: Callable[[], list[FrozenItem]]) -> threading.Thread:
        """Compute the call's flags in a background thread (after a submission); failures are only logged."""

        def run() -> None:
            try:
                self.flags(campaign, load_items())
            except Exception:  # noqa: BLE001 - the queue computes them again on demand
                log.exception("预先计算征集活动 %s 的跨机构核对失败", campaign.id)

        thread = threading.Thread(target=run, name=f"review-warm-{campaign.id}", daemon=True)
        thread.start()
        return thread
