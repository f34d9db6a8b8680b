"""Rare words: what survives when the same project is told again for another category or year.

A reframed copy keeps the project's facts — its product and place names, its technical terms, its figures — while its
headings, opening, order, emphasis and most common wording change. Plain word-set Jaccard counts "媒体", "平台" and
"融合" as much as "村超" or "央视频", so a reframed copy falls below ``compare.WORD_JACCARD`` and, often, below the
word LSH's candidate threshold. Weighting each shared word by how rare it is keeps the facts and discounts the field's
common vocabulary.

Weight of a word: the smaller of two rarities, so that a word counts only if it is rare in *both*:

- in our own field (document frequency over the passages of ``corpora/training``, written by the team): 融合, 平台,
  用户 get ~0;
- in general Chinese (jieba's dictionary frequencies), halved to the same range: 发展, 进行, 工作 get little even
  when our training passages happen not to use them.

Words in neither (names, new coinages) get the full weight. Figures (16.4亿, 2023) are jieba words too and count as
rare, which is what we want: two projects rarely share exact figures.

Why not an embedding: on reworded passages the static embedding reached P 0.86 / R 0.87 and e5 P 0.98 / R 0.94 at
~1.1-1.8 s per material (bench/results/duplicates.md), and e5 costs ~1.4 GB RSS and a torch import. This is numpy
and jieba, which the lexical path loads anyway; its measured quality is in bench/results/duplicates.md ("Reframed").

Everything is hashed like ``fingerprints.word_hashes`` (CRC-32), so the weights of a stored record and a new
material line up without keeping any text.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import math
import re
import zlib
from collections import Counter
from functools import cache, lru_cache

import numpy as np

from ..config import CORPORA_DIR
from . import fingerprints as fp

log = logging.getLogger(__name__)

GENERAL_SCALE = 0.5  # jieba's log-frequency spans ~2x the range of our training log-DF; halve it to compare
KEYWORDS = 48  # a text's rarest words kept for the candidate index (``DuplicateIndex``)
_NOT_A_WORD = re.compile(r"[\W_]+")


@cache
def _training_df() -> tuple[Counter, int]:
    """Document frequency of words over our own training passages (blank-line separated).

    Segmenting the ~440 passages costs a cold start 0.07-0.2 s, so the result is kept in ``nlp.cache_dir()`` under
    a hash of the passages, jieba's version and how words are cut (``fingerprints.WORDS_VERSION``): a changed
    passage, dictionary or cut makes a new file; a missing or unreadable cache is recomputed, and failing to write it
    only costs the next start."""
    import jieba

    from ..nlp import cache_dir, write_atomically

    passages = [
        p
        for path in sorted((CORPORA_DIR / "training").rglob("*.txt"))
        for p in path.read_text(encoding="utf-8").split("\n\n")
        if p.strip()
    ]
    if not passages:  # every weight would be 0 and the reframed test would never fire: say so
        log.warning("查重：未找到 corpora/training 训练文本，“改换表述后重报”的识别已停用（仅保留字词重合判断）")
    key = hashlib.sha1("\0".join([jieba.__version__, str(fp.WORDS_VERSION), *passages]).encode()).hexdigest()[:16]
    path = cache_dir() / f"training-df-{key}.marshal"
    try:
        counts, n = marshal.loads(path.read_bytes())
        return Counter(counts), n
    except (OSError, EOFError, ValueError, TypeError):
        pass
    counts = Counter(word for passage in passages for word in fp.word_set(passage))
    try:
        write_atomically(path, lambda temporary: temporary.write_bytes(marshal.dumps((dict(counts), len(passages)))))
    except OSError as exc:
        log.warning("查重：训练文本词频缓存未写入（%s），下次启动将重新计算", exc)
    return counts, len(passages)


@cache
def _general_freq() -> tuple[dict[str, int], int]:
    tokenizer = fp._jieba()
    tokenizer.check_initialized()
    return tokenizer.FREQ, tokenizer.total


@cache
def signature() -> str:
    """Which weights ``weight`` gives: it changes when our training passages or jieba's dictionary do. Stored word
    weights (``index``) carry it, and weights stored under another signature are recomputed, never compared with
    fresh ones."""
    df, n = _training_df()
    _freq, total = _general_freq()
    return f"{n}-{total}-{zlib.crc32(repr(sorted(df.items())).encode()):08x}"


@lru_cache(maxsize=200_000)
def weight(word: str) -> float:
    """How much sharing ``word`` says two texts tell the same project: rare in our field and in general Chinese."""
    df, n = _training_df()
    freq, total = _general_freq()
    field = math.log((n + 1) / (df.get(word, 0) + 1))
    general = GENERAL_SCALE * math.log(total / (freq.get(word) or 1))
    return max(0.0, min(field, general))


def weighted_words(words: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """(sorted CRC-32 hashes, weights) of a word set (``fingerprints.word_set``); punctuation-only tokens dropped."""
    pairs = sorted({zlib.crc32(w.encode()): weight(w) for w in words if not _NOT_A_WORD.fullmatch(w)}.items())
    if not pairs:
        return np.zeros(0, np.uint32), np.zeros(0, np.float32)
    hashes, weights = zip(*pairs)
    return np.array(hashes, np.uint32), np.array(weights, np.float32)


def weighted_cosine(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
    """Weight of the shared words over the geometric mean of the two texts' weights (0..1; Ochiai, weighted).

    Not containment of the lighter text: a short text's rare words are often all found somewhere in a long one
    (distinct write-ups reached 0.56 that way, as high as a reframed copy); the geometric mean discounts that.
    """
    (ha, wa), (hb, wb) = a, b
    if not len(ha) or not len(hb):
        return 0.0
    norm = (float(wa.sum()) * float(wb.sum())) ** 0.5
    return float(wa[fp.found_in(ha, hb)].sum()) / norm if norm > 0 else 0.0


def shared_keywords(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> int:
    """How many of the ``KEYWORDS`` rarest words of each text the two share."""
    return fp.shared(keywords(a), keywords(b))


def keywords(weighted: tuple[np.ndarray, np.ndarray], k: int = KEYWORDS) -> np.ndarray:
    """The hashes of the ``k`` heaviest words (ties broken by hash, so the choice is stable)."""
    hashes, weights = weighted
    if len(hashes) <= k:
        return hashes
    order = np.lexsort((hashes, -weights))[:k]
    return np.sort(hashes[order])
