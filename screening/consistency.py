"""Word ↔ stamped PDF: do the two versions of one material say the same thing, with the same figures?

The Jilin call wants the 申报表 twice, as Word and as a stamped scan; a unit that edits one and not the other sends
two different materials. :func:`compare` aligns the two texts sentence by sentence and reports what differs:

- sentences are cut at 。！？； and line ends, and compared with whitespace removed and punctuation folded to one
  width (OCR writes ``,`` for ``，``) — so the OCR of a clean scan (1–2 % character errors, ``bench/results/ocr.md``)
  still matches its Word sentence;
- each sentence of one version is matched to its most similar sentence of the other not matched yet (RapidFuzz
  ``ratio``, one to one, so a sentence written twice needs two copies): ≥ :data:`SAME` is the same sentence,
  ≥ :data:`CHANGED` the same sentence edited, below that the sentence is missing from the other version — unless
  OCR merged it into a longer sentence already matched (partial similarity ≥ :data:`SAME`);
- the figures of matched sentences are compared (``screening.numbers.find_quantities``: value and unit), after
  undoing the digit confusions OCR makes (``o``/``O`` → 0, ``l``/``I`` → 1): a changed figure is reported even when the
  sentence is otherwise identical, since a one-digit edit barely moves the similarity.

Passages are reported side by side (``a`` and ``b``, each with its offsets into its own document's text).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .documents.model import Document
from .numbers import find_quantities

SAME = 90.0  # similarity (0–100) at or above which two sentences are the same within OCR noise
CHANGED = 60.0  # at or above: the same sentence, edited; below: no counterpart
MIN_SENTENCE_CHARS = 6  # shorter pieces (headings' numbers, 一、) carry no content worth comparing
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_FOLD = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?", "％": "%"})
_OCR_DIGITS = re.compile(r"(?<=\d)[oO]|[oO](?=\d)|(?<=\d)[lI]|[lI](?=\d)")


@dataclass(slots=True)
class Sentence:
    text: str
    start: int
    end: int
    key: str  # folded text used for matching


@dataclass
class Difference:
    kind: str  # "number_changed" | "text_changed" | "missing_in_b" | "missing_in_a"
    a: dict | None  # {"text", "start", "end"} in document a, or None
    b: dict | None
    figures_a: list[str] = field(default_factory=list)
    figures_b: list[str] = field(default_factory=list)
    similarity: float | None = None


@dataclass
class Comparison:
    similarity: float  # whole-text similarity, 0–100, after folding
    sentences_a: int
    sentences_b: int
    differences: list[Difference]

    @property
    def consistent(self) -> bool:
        return not self.differences

    def to_dict(self) -> dict:
        return {
            "similarity": round(self.similarity, 1),
            "sentences_a": self.sentences_a,
            "sentences_b": self.sentences_b,
            "consistent": self.consistent,
            "differences": [d.__dict__ for d in self.differences],
        }


def fold(text: str) -> str:
    """The matching key: no whitespace, one width of punctuation, OCR's letter-for-digit confusions undone."""
    text = re.sub(r"\s+", "", text).translate(_FOLD)
    return _OCR_DIGITS.sub(lambda m: "0" if m.group(0) in "oO" else "1", text)


def sentences(text: str) -> list[Sentence]:
    found = []
    for m in _SENTENCE.finditer(text):
        piece = m.group(0).strip()
        key = fold(piece)
        if len(key) >= MIN_SENTENCE_CHARS:
            start = m.start() + m.group(0).index(piece[0])
            found.append(Sentence(piece, start, start + len(piece), key))
    return found


def figures(sentence: str) -> list[str]:
    """The figures of a sentence as comparable strings (``126万次``), in order."""
    return [f"{q.value}{q.unit or ''}" for q in find_quantities(fold(sentence))]


def compare(a: Document, b: Document) -> Comparison:
    """Differences between two versions of one material (see the module docstring)."""
    sa, sb = sentences(a.text), sentences(b.text)
    differences: list[Difference] = []
    matched_b: set[int] = set()
    keys_b = [s.key for s in sb]
    for sentence in sa:
        free = {j: keys_b[j] for j in range(len(sb)) if j not in matched_b}  # one-to-one: a repeated sentence
        best = process.extractOne(sentence.key, free, scorer=fuzz.ratio) if free else None  # needs its own copy
        if best is None or best[1] < CHANGED:
            if not _merged_into(sentence, [sb[j] for j in matched_b]):
                differences.append(Difference("missing_in_b", _passage(sentence), None))
            continue
        other = sb[best[2]]
        matched_b.add(best[2])
        # OCR may lose a full stop and merge two sentences: then one contains the other (partial similarity)
        merged = best[1] < SAME and fuzz.partial_ratio(sentence.key, other.key) >= SAME
        fig_a, fig_b = figures(sentence.text), figures(other.text)
        if fig_a != fig_b and not (merged and not Counter(fig_a) - Counter(fig_b)):
            differences.append(Difference("number_changed", _passage(sentence), _passage(other), fig_a, fig_b, best[1]))
        elif best[1] < SAME and not merged:
            differences.append(Difference("text_changed", _passage(sentence), _passage(other), similarity=best[1]))
    for index, sentence in enumerate(sb):
        if index in matched_b:
            continue
        best = process.extractOne(sentence.key, [s.key for s in sa], scorer=fuzz.partial_ratio) if sa else None
        if best is None or best[1] < CHANGED:
            differences.append(Difference("missing_in_a", None, _passage(sentence)))
    similarity = fuzz.ratio(fold(a.text), fold(b.text))
    return Comparison(similarity, len(sa), len(sb), differences)


def _merged_into(sentence: Sentence, matched: list[Sentence]) -> bool:
    """OCR lost the full stop before this sentence, so it sits inside a longer, already matched one."""
    return any(
        len(other.key) > 1.3 * len(sentence.key) and fuzz.partial_ratio(sentence.key, other.key) >= SAME
        for other in matched
    )


def _passage(sentence: Sentence) -> dict:
    return {"text": sentence.text, "start": sentence.start, "end": sentence.end}
