"""The duplicates check: one material against the archive, and the materials of a batch against each other.

``run(ctx)`` reads:

- ``ctx.services.archive``: the service's ``Archive``. There is no fallback: a service without one (the bare library
  service, ``Services()``) gets a degraded note saying nothing was compared (``NO_ARCHIVE``);
- ``ctx.services.embedders.duplicates``: the ``Embedder`` that ``screening.embeddings.POLICY`` chose for duplicates;
  none means lexical only. The report is degraded only when the policy chose a model and the service has none
  (``degraded_note``). The duplicate index is the process-wide one over the archive (``get_index``);
- ``ctx.inputs.case_name`` / ``unit``: when the caller knows them better than the document's form and title;
- ``ctx.inputs.exclude_record_ids``: archive ids that are this very material (a batch may store before it screens).

Both paths first blank the sentences a call's form puts into every material (``shared_sentences``): labels,
instructions, a pledge. Without that, distinct cases written in one form look like reuse of each other.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..archive import Record
from ..campaigns.model import Campaign
from ..checks.base import CheckContext, CheckResult
from ..embeddings import degraded_note
from ..report import Finding, Span
from . import fingerprints as fp
from .compare import KIND_LABELS, Comparison, Sample, compare
from .index import DuplicateIndex, get_index, sentence_hashes
from .rules import Verdict, judge_pair, judge_record

NAME = "duplicates"
SUGGESTION = "如确为新案例，请在材料中写明与往届案例或其他申报材料的区别；如属重复申报，请撤回或改报。"


NO_ARCHIVE = "未接入往届案例库，未与往届入选案例和已存申报材料查重。"


def run(ctx: CheckContext) -> CheckResult:
    archive = ctx.services.archive
    if archive is None:
        return CheckResult(
            NAME,
            degraded=[NO_ARCHIVE],
            measurement={"matches": [], "checked_against": 0, "model": None, "degraded": True},
        )
    embedder = ctx.services.embedders.duplicates
    index: DuplicateIndex = get_index(archive, embedder=embedder)
    doc = ctx.document
    name = ctx.inputs.case_name or doc.field_value("案例名称") or doc.title or ""
    unit = ctx.inputs.unit or doc.field_value("申报单位") or ""
    if index.with_text or embedder is not None:
        ours = Sample.of(doc.text, name=name, unit=unit, embedder=embedder)
    else:  # no stored text to compare with: only names and units can match, so no words are needed (~15 ms)
        ours = Sample(doc.text, name=name, unit=unit)
    excluded = set(ctx.inputs.exclude_record_ids)

    result = CheckResult(NAME)
    note = degraded_note("duplicates", embedder)
    if note:
        result.degraded.append(note)
    matches = []
    found = index.lookup(ours) - excluded  # broad, not gated: the form sample must see the form-sharing records
    sample_ids = sorted(found)[:FORM_SAMPLE]
    if _no_form(doc.text, index.sentence_hashes(sample_ids)):
        texts, form = {}, frozenset()  # nothing read: ``samples`` reads the few gated candidates' texts itself
    else:
        texts = index.texts(sample_ids)
        form = frozenset(shared_sentences([doc.text, *texts.values()]))
    if form:  # ask again without the form: the stored materials that only share it are no longer candidates
        if form & fp.sentence_keys(doc.text):  # else blanking changes nothing in ours
            ours = ours.without(form & fp.sentence_keys(doc.text))  # no new segmentation: a subtraction
        found = index.lookup(ours) - excluded
    candidates = sorted(index.gate(ours, found, form))  # only those compare could still flag are read
    stored = index.samples(candidates, form, texts=texts)  # stored word features: only our text is segmented
    for record_id in candidates:
        record = index.records[record_id]
        theirs = stored.get(record_id) or Sample.of(
            "", name=record.case_name, unit=record.unit, vector=index.vector(record_id)
        )
        comparison = compare(ours, theirs)
        if comparison.kind is None:
            continue
        verdict = judge_record(comparison, record, campaign=ctx.campaign, declared=ctx.category)
        matches.append(_match(comparison, verdict, record=record))
        result.findings.append(_finding(ctx, comparison, verdict))
    matches.sort(key=lambda m: -m["score"])
    result.measurement = {
        "matches": matches,
        "checked_against": len(index.records),
        "model": index.model_name,
        "degraded": note is not None,
    }
    return result


def _match(comparison: Comparison, verdict: Verdict, *, record: Record | None = None, **extra) -> dict:
    data = {
        "kind": comparison.kind,
        "kind_label": KIND_LABELS[comparison.kind],
        "score": round(comparison.score, 3),
        "scores": {k: round(v, 3) for k, v in comparison.scores.items()},
        "passages": [p.to_dict() for p in comparison.passages],
        "code": verdict.code,
        "severity": verdict.severity,
        "message": verdict.message,
        "rule": None
        if verdict.rule is None
        else {"kind": verdict.rule.kind, "summary": verdict.rule.summary, "clause": verdict.rule.clause},
        **extra,
    }
    if record is not None:
        data["record"] = record.to_dict()
    return data


def _finding(ctx: CheckContext, comparison: Comparison, verdict: Verdict) -> Finding:
    evidence = [
        Span(start=p.ours.start, end=p.ours.end, text=p.ours.text, label="匹配段落") for p in comparison.passages
    ]
    return Finding(
        check=NAME,
        code=verdict.code,
        severity=verdict.severity,
        message=verdict.message,
        evidence=evidence,
        rule=ctx.cite(verdict.rule.clause) if verdict.rule else None,
        suggestion=SUGGESTION,
    )


@dataclass
class BatchItem:
    """One material of a batch, as the batch logic knows it."""

    key: str  # the batch's id for the material (e.g. its file name)
    text: str
    case_name: str = ""
    unit: str = ""
    category: str = ""  # as declared


def cross_batch(items: Sequence[BatchItem], *, campaign: Campaign | None = None, embedder=None) -> list[dict]:
    """Every pair of materials in the batch that duplicates each other, with the rule it breaks.

    Pairwise, because a batch holds tens to a few hundred materials; the exact comparison is cheap and a batch has no
    index. Each match names both keys (``a``, ``b``) and carries ``passages`` with ``ours`` from ``a``.

    Sentences that many materials of the batch share (the call's form, its instructions, a pledge) are blanked out
    first (``without_boilerplate``): on 30 distinct real cases inside one form they made 17 pairs look like reuse,
    and the source headers of the bench texts made 206 (bench/results/duplicates.md, "Within a batch").
    """
    texts = without_boilerplate([i.text for i in items])
    samples = [Sample.of(t, name=i.case_name, unit=i.unit, embedder=embedder) for t, i in zip(texts, items)]
    matches = []
    for x in range(len(items)):
        for y in range(x + 1, len(items)):
            comparison = compare(samples[x], samples[y])
            if comparison.kind is None:
                continue
            a, b = items[x], items[y]
            verdict = judge_pair(
                comparison,
                campaign=campaign,
                category_a=a.category,
                category_b=b.category,
                name_a=a.case_name or a.key,
                name_b=b.case_name or b.key,
            )
            matches.append(_match(comparison, verdict, a=a.key, b=b.key))
    return matches


BOILERPLATE_SHARE = 0.3  # of the batch's materials
BOILERPLATE_MIN = 5  # materials: fewer copies of one case than this are never taken for boilerplate
# Stored texts read to find a call's form among a material's candidates: enough to see a form shared by most of
# them, and a bound on the database reads when hundreds of stored submissions share it. Taken from the index's
# broad lookup, before its gate: the gate judges each record as it would be compared, and a stored submission that
# only shares the form would pass it unblanked only if it is flagged, so a gated sample would hold too few copies of
# the form to see it (``BOILERPLATE_MIN``), and the few left would be compared with the form in them.
FORM_SAMPLE = 40
blank_sentences = fp.blank_sentences  # here too: the batch and review paths blank what ``shared_sentences`` found


def without_boilerplate(texts: list[str]) -> list[str]:
    """Each text with the sentences that many of the texts share (``shared_sentences``) replaced by spaces, so
    offsets still index the original and shingles skip them.

    Whole sentences, not shingles or words: dropping every word that a third of the batch uses would also drop the
    field's common vocabulary and blind the reworded test (measured: word Jaccard of 40%-edited copies fell from
    0.45 to 0.28), while a sentence repeated word for word in many materials is form, not content.
    """
    common = shared_sentences(texts)
    return [blank_sentences(t, common) for t in texts] if common else texts


def _no_form(text: str, hashed: list[np.ndarray] | None) -> bool:
    """Whether ``shared_sentences`` over ``text`` and the texts whose sentence hashes are ``hashed``
    (``DuplicateIndex.sentence_hashes``) would surely find nothing: the same count, on hashes. False when the hashes
    are unknown (None) or some sentence reaches the threshold: then the texts are read and decide."""
    if hashed is None:
        return False
    threshold = _threshold(1 + len(hashed))
    if 1 + len(hashed) < threshold:
        return True
    _values, counts = np.unique(np.concatenate([sentence_hashes(text), *hashed]), return_counts=True)
    return not len(counts) or counts.max() < threshold


def _threshold(n: int) -> int:
    """How many of ``n`` texts must contain a sentence for ``shared_sentences`` to take it for boilerplate."""
    return max(BOILERPLATE_MIN, math.ceil(BOILERPLATE_SHARE * n))


def shared_sentences(texts: list[str]) -> set[str]:
    """The normalised sentences that at least ``max(BOILERPLATE_MIN, BOILERPLATE_SHARE * n)`` of the texts contain:
    a call's form, its instructions, a pledge. Empty when there are too few texts to tell form from a re-submitted
    case.

    Used two ways: over a batch (``cross_batch``), and over a material with its first ``FORM_SAMPLE`` archive
    candidates (``run``): the candidates of a material written in a call's form include the stored submissions in
    the same form, since the form is what they share.
    """
    threshold = _threshold(len(texts))
    if len(texts) < threshold:
        return set()
    counts = Counter(key for t in texts for key in fp.sentence_keys(t))
    return {key for key, n in counts.items() if n >= threshold}
