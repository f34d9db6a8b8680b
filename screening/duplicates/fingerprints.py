"""Cheap, comparable summaries of a text: character shingles, word sets, their MinHashes, a lexical vector.

- **Character shingles** (5 consecutive characters after dropping punctuation and spaces) catch verbatim reuse:
  light edits leave most 5-grams intact, and reordering paragraphs leaves the set unchanged. In Chinese a 5-gram is a
  phrase, so two different write-ups on the same topic share few of them.
- **Word sets** (jieba words of two or more characters) survive rewording much better than 5-grams: a reworded copy
  keeps its names, figures and key nouns. They are the lexical fallback when no embedding model is loaded, and the
  candidate filter for reworded reuse at any archive size. A text is segmented clause by clause (``clause_words``,
  memoised per clause), so the words of a text with some clauses blanked out (a call's form, ``blank_sentences``)
  are the words of its other clauses: blanking never needs a new segmentation, and a stored record's blanked words
  are its stored word counts less those of its blanked clauses (``word_counts``).
- **MinHash** (datasketch, 128 permutations, scheme ``affine32``) compresses each set to a fixed signature, so the
  index can find candidates among 100,000 records through LSH without comparing texts.

Shingles are hashed with numpy (a polynomial over code points, mixed), not per item in Python, which makes a
5,000-character text take about a millisecond instead of the ~12 ms of datasketch's SHA-1 path; MinHash then gets
the integers through an identity ``hashfunc``.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash

NUM_PERM = 128
SCHEME = "affine32"
SHINGLE = 5
SEED = 7

_KEEP = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbfA-Za-z0-9]+")
_MASK32 = np.uint64(0xFFFFFFFF)
_CLAUSE = re.compile(r"[^\n。！？；!?;]+")
_SENTENCE = re.compile(r"[^\n。！？；!?;]+[。！？；!?;]?")  # a clause with its closing mark, for passages


def normalise(text: str) -> str:
    """Only Han characters, Latin letters and digits (lower-cased): punctuation and layout never decide a match."""
    return "".join(_KEEP.findall(text)).lower()


def shingle_hashes(text: str, *, k: int = SHINGLE) -> np.ndarray:
    """Distinct 32-bit hashes of the text's character k-grams (already normalised text expected)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        return _mix(codes.sum(keepdims=True)) if len(codes) else np.zeros(0, np.uint32)
    h = np.zeros(len(codes) - k + 1, np.uint64)
    for j in range(k):  # polynomial hash; uint64 wraps, which is what we want
        h = h * np.uint64(1_000_003) + codes[j : len(codes) - k + 1 + j]
    return distinct(_mix(h))


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values, as ``np.unique`` gives them, by sorting and dropping repeats: numpy 2.x's
    ``np.unique`` hashes first and then sorts, ~230 µs for 3,000 hashes against ~30 µs here, and every shingle set
    (a material, each uncached candidate, every passage of a match) goes through it."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _mix(h: np.ndarray) -> np.ndarray:
    """Spread the bits (splitmix64 finaliser) and keep 32 of them."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    h = h ^ (h >> np.uint64(31))
    return (h & _MASK32).astype(np.uint32)


@cache
def _jieba():
    """A private jieba tokenizer with the stock dictionary only.

    Not the global one: other modules add domain words to the global dictionary, and a word set must not depend
    on which module ran first, or stored fingerprints would drift from fresh ones.
    """
    import jieba

    from ..nlp import stock_jieba  # the same stock dictionary, from the cache (~0.3 s instead of jieba's ~0.75 s)

    jieba.setLogLevel(60)
    return stock_jieba()


WORDS_VERSION = 2  # how words are cut: 1 jieba over the whole normalised text, 2 clause by clause (``clause_words``)
CLAUSE_CACHE = 8192  # clauses: a material's, then the same material blanked, and a call's form across materials


@lru_cache(maxsize=CLAUSE_CACHE)
def clause_words(clause: str) -> tuple[str, ...]:
    """The words of one clause (``sentence_keys`` cuts them), in order: jieba over the normalised clause (stock
    dictionary, HMM off for speed and stability), words of two or more characters.

    The words of a text are those of its clauses: the same as jieba over the whole normalised text (version 1, which
    the thresholds were first fitted on) except for the few words it glued across 。！？； or a line break. The
    normalised clause, not the raw one: cut raw, a line of English or a path (``docs/src/…vue (text extracted from
    the template)``) falls apart into words that many materials share and no dictionary rates (the bench's
    source-header batch: 83 wrong pairs against 0), where normalised it stays one unique token, as before.
    Memoised because the same clauses come back: a material blanked after being read whole, a call's form in
    material after material, a record's form sentences when it is a candidate."""
    return tuple(w for w in _jieba().lcut(normalise(clause), HMM=False) if len(w) >= 2)


def word_counts(text: str, *, only: frozenset[str] | None = None) -> Counter[str]:
    """How often each word (``clause_words``) occurs in ``text``; with ``only``, in the clauses whose normalised
    form (``sentence_keys``) is in it: what blanking those clauses takes away from the counts."""
    counts: Counter[str] = Counter()
    for m in _CLAUSE.finditer(text):
        clause = m.group()
        if clause.isspace() or (only is not None and normalise(clause) not in only):
            continue
        counts.update(clause_words(clause))
    return counts


def counts_without(text: str, kept: frozenset[str], words: np.ndarray, counts: np.ndarray) -> np.ndarray | None:
    """``counts`` (occurrences of the sorted word hashes ``words`` in ``text``) less the words of the text's clauses
    in ``kept``: what segmenting the text with those clauses blanked out would count, without segmenting the rest.
    None when the counts cannot hold those words (features that are not this text's)."""
    gone, n = hashed_counts(word_counts(text, only=kept))
    at = np.searchsorted(words, gone)
    if len(gone) and (at.max() >= len(words) or not np.array_equal(words[at], gone)):
        return None
    left = counts.astype(np.int64)
    left[at] -= n
    return left if left.min(initial=0) >= 0 else None


def word_set(text: str) -> set[str]:
    """Distinct words of two or more characters (``word_counts``)."""
    return set(word_counts(text))


@lru_cache(maxsize=1024)
def sentence_keys(text: str) -> frozenset[str]:
    """The text's normalised sentences (clauses between 。！？；, line breaks): what a call's form repeats word for
    word in every material. Cheap (~0.3-1 ms for 5,000 characters), so never stored; cached, because the same
    candidates come back for one material after another."""
    return frozenset(key for key in (normalise(m.group()) for m in _CLAUSE.finditer(text)) if key)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence (as ``sentence_keys`` cuts them, with its closing mark) without surrounding
    whitespace; blank ones (e.g. a blanked form) are skipped."""
    spans = []
    for m in _SENTENCE.finditer(text):
        clause = m.group()
        stripped = clause.strip()
        if stripped:
            start = m.start() + clause.index(stripped[0])
            spans.append((start, start + len(stripped)))
    return spans


def blank_sentences(text: str, common: set[str] | frozenset[str]) -> str:
    """``text`` with each sentence in ``common`` replaced by as many spaces (offsets hold)."""
    if not common or not text:
        return text
    chars = list(text)
    for m in _CLAUSE.finditer(text):
        if normalise(m.group()) in common:
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


def word_hashes(words: set[str]) -> np.ndarray:
    """Stable 32-bit hashes of words (CRC-32: stable across processes, unlike ``hash``)."""
    return distinct(np.array([zlib.crc32(w.encode()) for w in words], dtype=np.uint32))


def hashed_counts(counts: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
    """(``word_hashes`` of the words, how often each hash occurs): words whose hashes collide add up, so the hashes
    with a count above 0 are always ``word_hashes`` of the words left."""
    by_hash: dict[int, int] = {}
    for word, n in counts.items():
        h = zlib.crc32(word.encode())
        by_hash[h] = by_hash.get(h, 0) + n
    if not by_hash:
        return np.zeros(0, np.uint32), np.zeros(0, np.uint32)
    hashes = np.fromiter(by_hash, dtype=np.uint32, count=len(by_hash))
    order = np.argsort(hashes)
    return hashes[order], np.fromiter(by_hash.values(), dtype=np.uint32, count=len(by_hash))[order]


def _identity(x):
    return x


def minhash(hashes: np.ndarray) -> LeanMinHash:
    from datasketch import MinHash  # late, like every datasketch import: see ``_lean``

    m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_identity, scheme=SCHEME)
    if len(hashes):
        m.update_batch(hashes.tolist())
    return _lean()(m)


def _lean():
    """datasketch's ``LeanMinHash``, imported on first use.

    Importing datasketch imports its LSH module, which imports ``scipy.integrate`` (0.4-1.2 s, 2026-12 on this
    machine, most of it scipy), whatever one uses of it. A process that never meets an archive text (a CLI check
    against name-only selections, ``--help``) should not pay that, so nothing imports datasketch at module level."""
    from datasketch import LeanMinHash

    return LeanMinHash


def signature_bytes(m: LeanMinHash) -> bytes:
    return np.asarray(m.hashvalues, dtype=np.uint32).tobytes()


def from_bytes(data: bytes) -> LeanMinHash:
    return _lean()(hashvalues=np.frombuffer(data, dtype=np.uint32).astype(np.uint64), seed=SEED, scheme=SCHEME)


def found_in(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which of ``a``'s hashes are in ``b`` (both sorted and distinct, as every hash array here is): a binary
    search of ``b`` per item, 3-4x faster than ``np.intersect1d``'s concatenate-and-sort at thousands of hashes,
    and a material is compared with tens of candidates."""
    if not len(a) or not len(b):
        return np.zeros(len(a), bool)
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return b[at] == a


def shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many hashes two sorted, distinct hash arrays share."""
    if len(a) > len(b):
        a, b = b, a
    return int(np.count_nonzero(found_in(a, b)))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) or not len(b):
        return 0.0
    inter = shared(a, b)
    return inter / (len(a) + len(b) - inter)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller set found in the other: 1.0 when one text is wholly reused in the other."""
    if not len(a) or not len(b):
        return 0.0
    return shared(a, b) / min(len(a), len(b))


def containment_matrix(ours: list[np.ndarray], theirs: list[np.ndarray]) -> np.ndarray:
    """``containment(a, b)`` for every ``a`` in ``ours`` and ``b`` in ``theirs`` (rows: ours), in one sort and one
    binary search: a match's passages, each against every passage of the other text, were ~1,400 separate
    intersections, and then one sort of theirs per passage of ours (~3 ms of a 5,000-字 match)."""
    a_sizes = np.array([len(a) for a in ours], dtype=np.int64)
    b_sizes = np.array([len(b) for b in theirs], dtype=np.int64)
    out = np.zeros((len(ours), len(theirs)))
    if not a_sizes.sum() or not b_sizes.sum():
        return out
    hashes = np.concatenate(theirs)
    order = np.argsort(hashes, kind="stable")
    hashes, owners = hashes[order], np.repeat(np.arange(len(theirs)), b_sizes)[order]
    a = np.concatenate(ours)
    lo, hi = np.searchsorted(hashes, a, "left"), np.searchsorted(hashes, a, "right")
    runs = hi - lo  # the passages of theirs holding each of our hashes are owners[lo:hi]
    starts = np.repeat(lo - np.cumsum(runs) + runs, runs)
    mine = np.repeat(np.repeat(np.arange(len(ours)), a_sizes), runs)
    cells = mine * len(theirs) + owners[starts + np.arange(runs.sum())]
    hits = np.bincount(cells, minlength=len(ours) * len(theirs)).reshape(len(ours), len(theirs))
    smaller = np.minimum.outer(a_sizes, b_sizes)
    return np.divide(hits, smaller, out=out, where=smaller > 0)


def char_ngram_vector(text: str, *, n: int = 2, dim: int = 1 << 18):
    """A hashed, L2-normalised character n-gram count vector (sparse dict index -> weight), no fitting needed."""
    t = normalise(text)
    grams = [t[i : i + n] for i in range(len(t) - n + 1)] + list(t)
    counts: dict[int, float] = {}
    for g in grams:
        key = zlib.crc32(g.encode()) % dim
        counts[key] = counts.get(key, 0.0) + 1.0
    norm = sum(v * v for v in counts.values()) ** 0.5 or 1.0
    return {k: v / norm for k, v in counts.items()}


def cosine_sparse(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())
