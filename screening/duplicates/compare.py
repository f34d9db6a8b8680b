"""Compare one material with one earlier text: how similar, which kind of duplicate, and the passages that show it.

Three kinds, tried in this order because each is stronger evidence than the next:

``verbatim`` 原文复用
    Character 5-gram containment: the share of the smaller text's 5-grams found in the other. Light edits and
    reordered paragraphs keep it high; partial reuse of a few paragraphs shows up as containment of those passages.
``reworded`` 改写复用
    Meaning kept, wording changed: Jaccard of the two word sets, which keeps names, figures and key nouns through
    rewording. When both samples carry an embedding (chunk-mean vector) its cosine is reported as ``semantic`` but
    does not decide: measured on real write-ups (bench/results/duplicates.md), a rule "cosine >= 0.93" flagged most
    pairs of distinct same-domain cases (precision 0.13 with e5, the same with the static embedding), because the
    mean vectors of long texts on one topic converge, while the word sets alone reached precision 1.000 and recall
    0.996. Passage against passage (centred vectors, best passage cosine) does better on the reworded reuse the word
    sets miss (a reworded quarter of a case inside another), but not enough: P 0.86 / R 0.87 with the static
    embedding, P 0.98 / R 0.94 with e5 at ~1.8 s per material (bench/results/duplicates.md, "Reworded reuse"), so
    ``screening.embeddings.POLICY`` keeps duplicates lexical.
    A second test catches the same project told again for another category or year (reframed: other headings,
    order, opening and emphasis, parts dropped, the wording changed): ``reframed_score`` — the number of the two
    texts' ``rarewords.KEYWORDS`` rarest words they share plus ``REFRAMED_COSINE_WEIGHT`` times their rare-word
    cosine — reaches ``REFRAMED_SCORE``. Shared rare words (names, terms, figures) are a project's facts; the
    field's common words weigh ~0. The two weights are a logistic regression's, fitted on constructed copies of the
    75 real write-ups (numbers only); grouped 5-fold CV with the threshold chosen inside the folds is in
    bench/results/duplicates.md ("Reframed copies"). Reported as ``reworded`` with ``scores["rare_words"]``.
``renamed`` 改名重报
    Same unit, similar case name, no text to compare (most earlier selections are names only). When both texts are
    there the texts decide: two different cases from the same unit are not duplicates, however alike their titles.

Thresholds are calibrated in ``bench/duplicates.py`` on constructed pairs; see bench/results/duplicates.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np

from ..embeddings import Chunk
from . import fingerprints as fp
from . import rarewords
from .names import name_similarity, norm_unit, similarity

Kind = Literal["verbatim", "reworded", "renamed"]
KIND_LABELS = {"verbatim": "原文复用", "reworded": "改写复用", "renamed": "改名重报"}

VERBATIM_CONTAINMENT = 0.30
SEMANTIC_COSINE = 0.93  # candidate filter only (index): e5 cosines of long same-domain texts sit above 0.9
WORD_JACCARD = 0.30
REFRAMED_COSINE_WEIGHT = 12.7  # keywords that one unit of rare-word cosine is worth (bench/duplicates.py --reframed)
REFRAMED_SCORE = 16.0  # shared keywords + weight x cosine; just above the highest negative pair measured (15.76)
NAME_SIMILARITY = 75.0
UNIT_SIMILARITY = 85.0
PASSAGE_CHARS = 150
PASSAGE_MIN = 0.5
REFRAMED_PASSAGE_MIN = 0.3  # rare-word cosine of two passages shown as a reframed copy's evidence
MAX_PASSAGES = 3


@dataclass
class Sample:
    """A text with everything needed to compare it; built once per material and reused against every candidate."""

    text: str
    name: str = ""
    unit: str = ""
    shingles: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))
    words: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))
    vector: np.ndarray | None = None
    rare: tuple[np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.zeros(0, np.uint32), np.zeros(0, np.float32))
    )  # rarewords.weighted_words
    keywords: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))  # rarewords.keywords(rare)
    # occurrences of each of ``words`` (aligned), stored with a record so that its words with a call's form blanked
    # out are a subtraction (``index``); None where unknown (features stored before they were kept)
    counts: np.ndarray | None = None

    @classmethod
    def of(cls, text: str, *, name: str = "", unit: str = "", embedder=None, vector=None) -> Sample:
        if vector is None and embedder is not None and text.strip():
            vector = embedder.encode_long(text)
        counts = fp.word_counts(text) if text else {}
        words, occurrences = fp.hashed_counts(counts)
        return cls.stored(
            text,
            words,
            rarewords.weighted_words(set(counts)),
            name=name,
            unit=unit,
            vector=vector,
            counts=occurrences,
        )

    @classmethod
    def stored(
        cls,
        text: str,
        words: np.ndarray,
        rare: tuple[np.ndarray, np.ndarray],
        *,
        name: str = "",
        unit: str = "",
        vector=None,
        counts: np.ndarray | None = None,
    ) -> Sample:
        """A sample from its text and the word features ``of`` computed earlier (an archive record's, stored at
        import by ``index``): everything but jieba, which is ~95% of ``of``'s cost (50 ms for 5,000 characters
        against 0.6 ms for the shingles), so a query segments only the new material."""
        return cls(
            text=text,
            name=name or "",
            unit=unit or "",
            shingles=fp.shingle_hashes(fp.normalise(text)) if text else np.zeros(0, np.uint32),
            words=words,
            vector=vector,
            rare=rare,
            keywords=rarewords.keywords(rare),
            counts=counts,
        )

    def without(self, kept: frozenset[str]) -> Sample:
        """This sample with the clauses in ``kept`` (normalised, ``fingerprints.sentence_keys``) blanked out of its
        text: exactly ``Sample.of(blank_sentences(text, kept))``, but its words are these counts less those clauses'
        words (``fingerprints.counts_without``), so neither the text is segmented again nor its words re-weighted."""
        blanked = fp.blank_sentences(self.text, kept)
        words, weights = self.rare
        usable = self.counts is not None and np.array_equal(words, self.words)
        left = fp.counts_without(self.text, kept, words, self.counts) if usable else None
        if left is None:
            return Sample.of(blanked, name=self.name, unit=self.unit, vector=self.vector)
        keep = left > 0
        rare = (words[keep], weights[keep])
        return Sample.stored(
            blanked,
            rare[0],
            rare,
            name=self.name,
            unit=self.unit,
            vector=self.vector,
            counts=left[keep].astype(np.uint32),
        )

    @property
    def has_text(self) -> bool:
        return len(self.shingles) >= 20  # under ~25 characters there is nothing to compare


@dataclass
class PassagePair:
    ours: Chunk
    theirs: Chunk
    score: float

    def to_dict(self) -> dict:
        return {
            "ours": {"start": self.ours.start, "end": self.ours.end, "text": self.ours.text},
            "theirs": {"start": self.theirs.start, "end": self.theirs.end, "text": self.theirs.text},
            "score": round(self.score, 3),
        }


@dataclass
class Comparison:
    kind: Kind | None
    score: float  # the score that decided the kind, 0..1
    scores: dict[str, float]
    passages: list[PassagePair] = field(default_factory=list)


def compare(ours: Sample, theirs: Sample) -> Comparison:
    scores = {
        "name": name_similarity(ours.name, theirs.name) / 100,
        "unit": similarity(norm_unit(ours.unit), norm_unit(theirs.unit)) / 100,
    }
    if ours.has_text and theirs.has_text:
        inter = fp.shared(ours.shingles, theirs.shingles)  # once for both scores
        scores["containment"] = inter / min(len(ours.shingles), len(theirs.shingles))
        scores["jaccard"] = inter / (len(ours.shingles) + len(theirs.shingles) - inter)
        scores["words"] = fp.jaccard(ours.words, theirs.words)
        if ours.vector is not None and theirs.vector is not None:
            scores["semantic"] = float(np.dot(ours.vector, theirs.vector))
        if scores["containment"] >= VERBATIM_CONTAINMENT:
            return Comparison("verbatim", scores["containment"], scores, verbatim_passages(ours.text, theirs.text))
        if scores["words"] >= WORD_JACCARD:
            return Comparison("reworded", scores["words"], scores, reworded_passages(ours.text, theirs.text))
        scores["rare_words"] = rarewords.weighted_cosine(ours.rare, theirs.rare)
        scores["keywords"] = float(fp.shared(ours.keywords, theirs.keywords))
        if reframed_score(scores["keywords"], scores["rare_words"]) >= REFRAMED_SCORE:
            return Comparison("reworded", scores["rare_words"], scores, reframed_passages(ours.text, theirs.text))
        return Comparison(None, 0.0, scores)
    if scores["unit"] * 100 >= UNIT_SIMILARITY and scores["name"] * 100 >= NAME_SIMILARITY:
        return Comparison("renamed", scores["name"], scores)
    return Comparison(None, 0.0, scores)


def reframed_score(shared_keywords: float, rare_cosine: float) -> float:
    """The second test's score: shared rarest words plus the weighted rare-word cosine (see the module docstring)."""
    return shared_keywords + REFRAMED_COSINE_WEIGHT * rare_cosine


PASSAGE_CACHE = 64  # texts: a material and the records it matched last


def _shingles(text: str) -> np.ndarray:
    return fp.shingle_hashes(fp.normalise(text))


def _rare(text: str) -> tuple[np.ndarray, np.ndarray]:
    return rarewords.weighted_words(fp.word_set(text))


_PASSAGE_FEATURES = {"shingles": _shingles, "bigrams": fp.char_ngram_vector, "rare": _rare}


@lru_cache(maxsize=PASSAGE_CACHE)
def _passages(text: str, feature: str) -> tuple[tuple[Chunk, object], ...]:
    """The text's passages (whole sentences packed up to ``PASSAGE_CHARS``), each with one feature.

    Cached: a material with three matches is cut and featured once, not three times, and so is a record that keeps
    being matched (a case many bureaus resubmit)."""
    make = _PASSAGE_FEATURES[feature]
    return tuple((c, make(c.text)) for c in cut_passages(text))


def cut_passages(text: str) -> list[Chunk]:
    """Whole sentences (``fingerprints.sentence_spans``) packed into passages of at most ``PASSAGE_CHARS``
    characters; a longer sentence is cut by characters.

    Not ``embeddings.chunk_text``, which finds sentences with the NLP pipeline: that is a jieba and spaCy parse of
    the whole text (~50-100 ms for 5,000 characters, per match and per side), and a passage shown as evidence only
    needs sentence boundaries, which punctuation gives."""
    chunks: list[Chunk] = []
    start = end = None
    for s, e in fp.sentence_spans(text):
        if start is not None and (e - s > PASSAGE_CHARS or e - start > PASSAGE_CHARS):
            chunks.append(Chunk(start, end, text[start:end]))
            start = None
        if e - s > PASSAGE_CHARS:
            chunks.extend(
                Chunk(i, min(i + PASSAGE_CHARS, e), text[i : min(i + PASSAGE_CHARS, e)])
                for i in range(s, e, PASSAGE_CHARS)
            )
            continue
        start = s if start is None else start
        end = e
    if start is not None:
        chunks.append(Chunk(start, end, text[start:end]))
    return chunks


def verbatim_passages(ours: str, theirs: str) -> list[PassagePair]:
    """Our passages most contained in theirs, each with its best counterpart (character 5-grams): ``_best_pairs``
    with ``fingerprints.containment``, every pair of passages scored at once (``containment_matrix``)."""
    b = _passages(theirs, "shingles")
    if not b:
        return []
    a = _passages(ours, "shingles")
    scores = fp.containment_matrix([feat for _c, feat in a], [feat for _c, feat in b])
    pairs = []
    for (chunk, _feat), row in zip(a, scores):
        best = int(np.argmax(row))  # the first of equals, as ``max`` in ``_best_pairs``
        if row[best] >= PASSAGE_MIN:
            pairs.append(PassagePair(chunk, b[best][0], float(row[best])))
    pairs.sort(key=lambda p: -p.score)
    return pairs[:MAX_PASSAGES]


def reworded_passages(ours: str, theirs: str) -> list[PassagePair]:
    """Our passages closest in wording to theirs (character-bigram cosine; cheap enough for any length)."""
    return _best_pairs(_passages(ours, "bigrams"), _passages(theirs, "bigrams"), fp.cosine_sparse)


def reframed_passages(ours: str, theirs: str) -> list[PassagePair]:
    """Our passages sharing the most rare words with theirs (weighted cosine): a reframed copy's sentences are new,
    so character bigrams show little; the names and figures they share are the evidence."""
    return _best_pairs(
        _passages(ours, "rare"), _passages(theirs, "rare"), rarewords.weighted_cosine, minimum=REFRAMED_PASSAGE_MIN
    )


def _best_pairs(a, b, score, *, minimum: float = PASSAGE_MIN) -> list[PassagePair]:
    pairs = []
    for chunk, feat in a:
        best = max(((score(feat, other), other_chunk) for other_chunk, other in b), default=None, key=lambda t: t[0])
        if best and best[0] >= minimum:
            pairs.append(PassagePair(chunk, best[1], best[0]))
    pairs.sort(key=lambda p: -p.score)
    return pairs[:MAX_PASSAGES]
