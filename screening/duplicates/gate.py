"""The gate between the index's lookup and the database: which candidates can still be a finding.

The index's lookup (LSH tables, the rare-keyword index, vectors) is cheap, but each record it returns is read from
the database, rebuilt into a ``Sample`` (~0.6-1 ms for its shingles) and compared (~0.3 ms). Among real write-ups of
one field 4.3% of the archive came back (bench/results/duplicates.md): ~260 records per material in an archive of
10,000 real selections, hundreds of milliseconds. Most of them cannot be a finding, and ``compare``'s own rules say
so from what this module keeps per record in memory (``Kept``): the record's word hashes, their rare-word weights
(one byte each, rounded up), their total weight, its ``rarewords.KEYWORDS`` keywords, and one of its 5-gram hashes
in ``SHINGLE_SAMPLE`` (5.2 KB per record of the real write-ups, ~4,100 characters: 51 MB at 10,000;
bench/duplicates.py measures it).

A record is kept when any of ``compare``'s three text tests could still fire:

- ``reworded`` (word Jaccard >= ``compare.WORD_JACCARD``): an upper bound, exact without a call's form. The record is
  compared with the form's clauses blanked out, which only takes words away (R' within R) and never one outside the
  form's own words F, so J(Q, R') <= |Q & R| / (|Q| + |R - Q - F|).
- reframed (shared keywords + ``REFRAMED_COSINE_WEIGHT`` x rare-word cosine >= ``REFRAMED_SCORE``): the cosine's
  numerator is at most our weights of the words we share with R; its denominator at least sqrt(W(Q) x (W(R) - the
  weight of R's words in F)), the record's weights rounded up so the bound holds. Shared keywords: the blanked
  record's keywords are its stored ones less those in F, plus at most as many new ones, so at most
  |KQ & KR| + min(|KR & F|, |KQ & (R - KR)|). Both exact without a form.
- ``verbatim`` (5-gram containment of the smaller text >= ``compare.VERBATIM_CONTAINMENT``): no word bound exists
  (a partial verbatim reuse shares only 0.38 of its words where distinct write-ups share up to 0.55), so this one is
  an estimate: the containment of the hash-sampled 5-grams (the smaller side's sampled set less the form's), kept if
  it is above 0.30 less ``SAMPLE_Z`` binomial standard deviations of that sample. Measured on the duplicates
  bench's flagged pairs: the worst sample fell 2.5 s.d. below its pair's true containment; distinct write-ups'
  sampled containment stays under 0.07.

Records without these features (stored before they existed, or by another version's word cut) are kept: unknown is
never dropped. So are records whose blanked text may fall under ``Sample.has_text`` when their unit and name are
close enough for ``compare``'s ``renamed`` test (the index checks that, it has the names).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from . import fingerprints as fp
from .compare import REFRAMED_COSINE_WEIGHT, REFRAMED_SCORE, VERBATIM_CONTAINMENT, WORD_JACCARD, Sample

SHINGLE_SAMPLE = 8  # one 5-gram hash in this many (by value) is kept per record: ~450 of a 4,000-字 text's 3,600
SAMPLE_Z = 4.0  # binomial standard deviations of the sampled containment below VERBATIM_CONTAINMENT that still keep
WEIGHT_STEPS = 32  # a stored weight w is kept as ceil(32 w) in one byte; 255 means "too heavy to say" (never dropped)
# ``compare`` sums float32 weights (relative error ~1e-6, ~1e-5 of a reframed score), the bounds float64: a bound
# this close under a threshold is kept
SLACK = 1e-4


def sampled(shingles: np.ndarray) -> np.ndarray:
    """The 5-gram hashes a record keeps in memory: those divisible by ``SHINGLE_SAMPLE`` (a sample by value, so
    two texts' samples hold the same hashes of what they share)."""
    return shingles[shingles % SHINGLE_SAMPLE == 0]


def quantised(weights: np.ndarray) -> np.ndarray:
    """Weights rounded up to 1/``WEIGHT_STEPS`` in one byte each (255: at least 255/``WEIGHT_STEPS``)."""
    return np.minimum(np.ceil(weights.astype(np.float64) * WEIGHT_STEPS), 255).astype(np.uint8)


@dataclass(frozen=True, slots=True)
class Kept:
    """What the gate keeps of one record: ``words`` (sorted uint32, as ``Sample.words``), ``weights`` (uint8,
    ``quantised``, aligned), ``total`` (the exact sum of the float weights), ``keywords`` (None if not stored) and
    ``shingles`` (``sampled``)."""

    words: np.ndarray
    weights: np.ndarray
    total: float
    keywords: np.ndarray | None
    shingles: np.ndarray

    @property
    def nbytes(self) -> int:
        arrays = (self.words, self.weights, self.shingles, self.keywords)
        return sum(a.nbytes + 112 for a in arrays if a is not None) + 72  # numpy header, the object itself


@dataclass(frozen=True)
class Form:
    """A call's form as the gate needs it: the hashes of its clauses' words and of their sampled 5-grams."""

    words: np.ndarray
    shingles: np.ndarray

    @classmethod
    def of(cls, keys: frozenset[str]) -> Form:
        """``keys``: normalised clauses (``fingerprints.sentence_keys``), cut into words as a text's are."""
        words = {w for key in keys for w in fp.clause_words(key)}
        grams = [fp.shingle_hashes(key) for key in keys]
        shingles = fp.distinct(np.concatenate(grams)) if grams else np.zeros(0, np.uint32)
        return cls(fp.word_hashes(words) if words else np.zeros(0, np.uint32), sampled(shingles))


NO_FORM = Form(np.zeros(0, np.uint32), np.zeros(0, np.uint32))


class Gate:
    """The records' ``Kept`` features and the test over many candidates at once (numpy, no loop per record)."""

    def __init__(self) -> None:
        self._kept: dict[int, Kept] = {}
        self._lock = threading.Lock()

    def add(
        self,
        rid: int,
        words: np.ndarray,
        weights: np.ndarray,
        keywords: np.ndarray | None,
        shingles: np.ndarray,
    ) -> None:
        """``words`` and float ``weights`` as stored (``index.word_features``), ``shingles`` already ``sampled``."""
        kept = Kept(
            np.ascontiguousarray(words, np.uint32),
            quantised(weights),
            float(weights.astype(np.float64).sum()),
            None if keywords is None else np.ascontiguousarray(keywords, np.uint32),
            np.ascontiguousarray(shingles, np.uint32),
        )
        with self._lock:
            self._kept[rid] = kept

    def __contains__(self, rid: int) -> bool:
        return rid in self._kept

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def nbytes(self) -> int:
        """Memory the kept features take (arrays and their objects; the dict's own ~100 bytes per record aside)."""
        with self._lock:
            return sum(k.nbytes for k in self._kept.values())

    def admit(self, sample: Sample, ids, form: Form = NO_FORM) -> set[int]:
        """The ``ids`` that may still be a finding of ``compare(sample, record blanked of form)``: every record the
        gate knows nothing of, and those that pass one of the three bounds (module docstring)."""
        ids = set(ids)
        with self._lock:
            known = [rid for rid in ids if rid in self._kept]
            kept = [self._kept[rid] for rid in known]
        if not kept or not sample.has_text:
            return ids
        bounds = Bounds.of(sample, kept, form)
        possible = (
            (bounds.word_jaccard >= WORD_JACCARD - SLACK)
            | (bounds.reframed >= REFRAMED_SCORE - SLACK)
            | (bounds.sampled_containment >= bounds.containment_cut)
        )
        return (ids - set(known)) | {rid for rid, ok in zip(known, possible.tolist()) if ok}


@dataclass
class Bounds:
    """Per record (aligned with the ``kept`` list): the upper bounds of the word Jaccard and the reframed score after
    blanking, and the verbatim estimate with its cut (module docstring). Computed for all records at once: their
    words end to end, one binary search of ours for all of them, sums per record by cumulative sums."""

    word_jaccard: np.ndarray
    reframed: np.ndarray
    sampled_containment: np.ndarray
    containment_cut: np.ndarray

    @classmethod
    def of(cls, sample: Sample, kept: list[Kept], form: Form = NO_FORM) -> Bounds:
        n = len(kept)
        words, starts = _gathered([k.words for k in kept])
        owner = _owners(starts)  # the record (its place in ``kept``) of each of ``words``
        ours, our_weights = sample.rare
        if not np.array_equal(ours, sample.words):  # never expected (``index.word_features``); slow but right
            ours, our_weights = sample.words, _aligned(sample.words, *sample.rare)
        shared, at = _hits(words, ours)  # where in ``words`` a word of ours is, and which of ours
        n_shared = _count(owner[shared], n)
        if len(form.words):
            in_form = _hits(words, form.words)[0]
            is_shared = np.zeros(len(words), bool)
            is_shared[shared] = True
            only_form = in_form[~is_shared[in_form]]
            outside = np.diff(starts) - n_shared - _count(owner[only_form], n)  # |R - Q - F|
        else:
            outside = np.diff(starts) - n_shared
        word_jaccard = n_shared / np.maximum(len(ours) + outside, 1)

        numerator = np.bincount(owner[shared], weights=our_weights[at].astype(np.float64), minlength=n)
        removed = _removed_weight(kept, owner, in_form, n) if len(form.words) else 0.0
        theirs = np.array([k.total for k in kept]) - removed
        ours_total = float(our_weights.astype(np.float64).sum())
        with np.errstate(divide="ignore", invalid="ignore"):
            cosine = np.where(theirs > 0, numerator / np.sqrt(ours_total * np.maximum(theirs, 1e-300)), 1.0)
        cosine = np.minimum(np.nan_to_num(cosine, nan=1.0, posinf=1.0), 1.0) if ours_total > 0 else 0.0 * theirs
        is_keyword = fp.found_in(ours, sample.keywords)[at]
        in_record = _count(owner[shared[is_keyword]], n)  # |KQ & R|
        keywords = _keywords(sample.keywords, kept, in_record, form)

        grams, gram_starts = _gathered([k.shingles for k in kept])
        gram_owner = _owners(gram_starts)
        our_grams = sampled(sample.shingles)
        theirs_grams = np.diff(gram_starts)
        if len(form.shingles):
            theirs_grams = theirs_grams - _count(gram_owner[_hits(grams, form.shingles)[0]], n)
        smaller = np.minimum(len(our_grams), theirs_grams).astype(np.float64)
        p = VERBATIM_CONTAINMENT
        with np.errstate(divide="ignore", invalid="ignore"):
            cut = np.where(smaller > 0, p - SAMPLE_Z * np.sqrt(p * (1 - p) / smaller), -np.inf)
            estimate = np.where(smaller > 0, _count(gram_owner[_hits(grams, our_grams)[0]], n) / smaller, 0.0)
        return cls(word_jaccard, keywords + REFRAMED_COSINE_WEIGHT * cosine, estimate, cut)


def _keywords(ours: np.ndarray, kept: list[Kept], in_record: np.ndarray, form: Form) -> np.ndarray:
    """Upper bound of the shared keywords after blanking: |KQ & KR| + min(|KR & F|, |KQ & R| - |KQ & KR|);
    |KQ & R| (``in_record``) for a record without stored keywords."""
    stored = [k.keywords if k.keywords is not None else np.zeros(0, np.uint32) for k in kept]
    keywords, starts = _gathered(stored)
    both = _sums(fp.found_in(keywords, ours), starts)
    blanked = _sums(fp.found_in(keywords, form.words), starts) if len(form.words) else 0
    bound = both + np.minimum(blanked, np.maximum(in_record - both, 0))
    return np.where([k.keywords is None for k in kept], in_record, bound)


def _removed_weight(kept: list[Kept], owner: np.ndarray, in_form: np.ndarray, n: int) -> np.ndarray:
    """At most how much weight blanking takes out of each record: its rounded-up weights of the form's words
    (``in_form``: their places in the records' words end to end, ``owner``: whose they are)."""
    steps = np.concatenate([k.weights for k in kept])[in_form].astype(np.float64)
    return np.bincount(owner[in_form], weights=np.where(steps >= 255, np.inf, steps / WEIGHT_STEPS), minlength=n)


def _aligned(words: np.ndarray, hashes: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``weights`` (of ``hashes``) at each of ``words``, 0 where a word has none."""
    at = np.minimum(np.searchsorted(hashes, words), max(len(hashes) - 1, 0))
    return np.where(fp.found_in(words, hashes), weights[at] if len(hashes) else 0.0, 0.0)


TABLE_BITS = 18  # a query's hashes placed in a table of 2**18 slots by their low bits: see ``_hits``


def _hits(values: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where in ``values`` a value of ``keys`` (sorted, distinct) is, and which of ``keys``: what
    ``fingerprints.found_in`` answers, as positions (in no particular order), ~3x faster for the gate's
    150,000-3,000,000 values against a text's 600-1,500 hashes. Each key is placed in a table by its low bits, so a
    value is looked up in one step (a binary search per value costs ~12 ns) and compared with the key found there;
    the few values whose slot two keys share (~4 slots of 2**18 for 1,500 keys) get the binary search. Positions,
    not a mask as long as ``values``: only the hits (~15-30% of them) are summed afterwards (``_count``,
    ``np.bincount``)."""
    if not len(keys) or not len(values):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    mask = np.uint32((1 << TABLE_BITS) - 1)
    low = keys & mask
    slot = np.full(1 << TABLE_BITS, -1, np.int32)
    slot[low] = np.arange(len(keys), dtype=np.int32)  # of two keys with the same low bits, one stays
    at = slot[values & mask]
    maybe = np.flatnonzero(at >= 0)
    at = at[maybe].astype(np.int64)
    same = keys[at] == values[maybe]
    hits, found = maybe[same], at[same]
    lows, n = np.unique(low, return_counts=True)
    if (n > 1).any():  # a value meeting another key in a shared slot may still be one of ``keys``
        again = maybe[~same]
        again = again[np.isin(values[again] & mask, lows[n > 1])]
        where = np.minimum(np.searchsorted(keys, values[again]), len(keys) - 1)
        ok = keys[where] == values[again]
        hits, found = np.concatenate([hits, again[ok]]), np.concatenate([found, where[ok]])
    return hits, found


def _owners(starts: np.ndarray) -> np.ndarray:
    """For arrays laid end to end (``_gathered``'s starts), the index of the array each position belongs to."""
    return np.repeat(np.arange(len(starts) - 1, dtype=np.int32), np.diff(starts))


def _count(owners: np.ndarray, n: int) -> np.ndarray:
    """How many of the positions whose ``owners`` are given belong to each of the ``n`` records."""
    return np.bincount(owners, minlength=n).astype(np.float64)


def _gathered(arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The arrays end to end, and where each starts (with the end as a last item)."""
    starts = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=starts[1:])
    return (np.concatenate(arrays) if arrays else np.zeros(0, np.uint32)), starts


def _sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over each record's stretch (``_gathered``'s starts): differences of one cumulative sum."""
    total = np.zeros(len(values) + 1, np.int64 if values.dtype == bool else np.float64)
    np.cumsum(values, out=total[1:])
    return (total[starts[1:]] - total[starts[:-1]]).astype(np.float64)
