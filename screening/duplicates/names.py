"""Case-name and unit similarity (rapidfuzz), for re-submissions under a new title.

Names are compared after dropping punctuation, quotes and brackets; units also lose legal-form suffixes
(有限公司, 股份有限公司) so 江苏有线 and 江苏省广电有线信息网络股份有限公司 line up as far as characters allow. The
score is the larger of the plain ratio and, when the shorter string is long enough to mean something, the
partial ratio (a name that gains or loses a slogan still matches).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

_NOISE = re.compile(r"[\s\u3000“”\"'‘’《》<>〈〉「」『』()（）\[\]【】:：,，、.。!！?？·—\-_|/]+")
_UNIT_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司")
MIN_PARTIAL = 6  # characters; below this a partial match is noise (广播电视台 is in every other unit name)


def norm_name(name: str) -> str:
    return _NOISE.sub("", name or "").lower()


def norm_unit(unit: str) -> str:
    key = norm_name(unit)
    for suffix in _UNIT_SUFFIXES:
        key = key.removesuffix(suffix)
    return key


def similarity(a: str, b: str) -> float:
    """0..100 similarity of two already normalised strings (characters only; for units and call names)."""
    if not a or not b:
        return 0.0
    score = fuzz.ratio(a, b)
    if min(len(a), len(b)) >= MIN_PARTIAL:
        score = max(score, fuzz.partial_ratio(a, b))
    return float(score)


def name_similarity(a: str, b: str) -> float:
    """0..100 similarity of two case names: characters, or shared words when a rename reorders and adds words.

    ``token_set_ratio`` over jieba words scores 青溪通客户端打造县域媒体加政务服务平台 against
    青溪通县域媒体政务服务平台建设与运营 by the words they share, where character ratios see mostly the edits.
    """
    a, b = norm_name(a), norm_name(b)
    if not a or not b:
        return 0.0
    words_a, words_b = " ".join(_words(a)), " ".join(_words(b))
    return max(similarity(a, b), float(fuzz.token_set_ratio(words_a, words_b)))


@lru_cache(maxsize=4096)
def _words(name: str) -> tuple[str, ...]:
    """A name's jieba words; cached, because a material's name is compared with every candidate's, and the same
    candidates come back material after material."""
    from .fingerprints import _jieba

    return tuple(w for w in _jieba().lcut(name, HMM=False) if w.strip())
