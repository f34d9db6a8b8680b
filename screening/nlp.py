"""Chinese text processing shared by the checks: lexicons, the spaCy pipeline, sentences and phrase matching.

The pipeline is spaCy's blank Chinese language with the jieba segmenter and a sentencizer; no trained model is needed
(none exists on PyPI, see ../shared/research/deps.md §3). It is built once per process: jieba loads its dictionary in
about 1.3 s, so the first call pays that and every later call is warm. Before the first parse, jieba's dictionary is
extended with our domain words (``corpora/lexicons/domain_words.txt``), the phrases of the other lexicons and the cue
words of every rulebook, so that 融媒体 or 广受好评 stay one token and phrase matching works on whole words.

Why match on jieba tokens rather than substrings: a token boundary is what separates 拟 (plans to) from 模拟
(simulate), or 将 from 将军. The price is that a phrase jieba splits differently in context can be missed, which is
why every phrase we match is added to jieba's dictionary first (:func:`add_words`).

Numbers are *not* found here: spaCy's ``like_num`` knows neither 16.4亿 nor 百分之一点五七 (see ``screening.numbers``).

Lexicons are plain files under ``corpora/lexicons/`` (each starts with a comment on its source and meaning):
``.txt`` files hold one entry per line with ``#`` comments, ``.toml`` files hold tables. Both are read once.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import settings

if TYPE_CHECKING:  # spaCy is imported lazily: importing it costs ~1 s and not every caller needs it
    from spacy.language import Language
    from spacy.tokens import Doc

# A sentence ends at these tokens. The semicolon is left out on purpose: Chinese lists run on with ；, and a
# "sentence" for the claims and length checks is what a reader would cut or quote as one.
SENTENCE_ENDS = ["。", "！", "？", "!", "?", "\n", "…"]


# --- lexicons ---------------------------------------------------------------------------------------------------


def lexicon_path(name: str) -> Path:
    return settings.lexicons_dir / name


@cache
def read_words(name: str) -> tuple[str, ...]:
    """A one-entry-per-line lexicon, without comments and blank lines, in file order."""
    lines = lexicon_path(name).read_text(encoding="utf-8").splitlines()
    return tuple(entry for line in lines if (entry := line.split("#", 1)[0].strip()))


@cache
def read_toml(name: str) -> dict[str, Any]:
    """A TOML lexicon as a dict (cached; do not mutate)."""
    return tomllib.loads(lexicon_path(name).read_text(encoding="utf-8"))


# --- the spaCy pipeline -----------------------------------------------------------------------------------------


@cache
def pipeline() -> Language:
    """spaCy ``blank("zh")`` with the jieba segmenter and a sentencizer, built once per process."""
    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    _add_to_jieba(_lexicon_words())
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer.jieba_seg = _DictionaryOnlyJieba(jieba)
    nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_ENDS})
    return nlp


class _DictionaryOnlyJieba:
    """jieba without its HMM for unknown words: about twice as fast (anchors.md §3.5: 15 ms against 25 ms for
    5000 characters), and nothing we match depends on it, since every phrase we look for is in the dictionary.
    The cost is that unknown names split into single characters, which no check reads."""

    def __init__(self, jieba) -> None:
        self._jieba = jieba

    def cut(self, text: str, cut_all: bool = False):
        return self._jieba.cut(text, cut_all=cut_all, HMM=False)


_known_words: set[str] = set()


def add_words(words: Iterable[str]) -> None:
    """Add words to jieba's dictionary (e.g. a rulebook's cue words) so they segment as one token.

    Segmentation changes when the dictionary does, so cached parses are dropped whenever a new word arrives. Words
    are process-wide; adding the same word again costs nothing.
    """
    pipeline()
    if _add_to_jieba(words):
        parse.cache_clear()


def _add_to_jieba(words: Iterable[str]) -> bool:
    import jieba

    new = [w for w in words if w and w not in _known_words]
    for word in new:
        _known_words.add(word)
        if len(word) > 1:
            jieba.add_word(word)
    return bool(new)


def _lexicon_words() -> list[str]:
    """Every phrase we match on tokens: domain words, claim and plan phrases, element cues, rulebook cues."""
    words = [line.split()[0] for line in read_words("domain_words.txt")]
    words += read_words("subjective.txt")
    words += read_toml("plan_words.toml")["words"]
    for entry in read_toml("element_cues.toml").values():
        words += entry.get("headings", []) + entry.get("body", [])
    words += _rulebook_cues()
    return words


def _rulebook_cues() -> list[str]:
    from .campaigns import all_campaigns
    from .errors import RulebookError

    try:
        campaigns = all_campaigns()
    except RulebookError:  # a broken rulebook is reported where it is used, not while warming jieba
        return []
    return [cue for c in campaigns for cat in c.categories for e in cat.elements for cue in e.cues]


@lru_cache(maxsize=16)
def parse(text: str) -> Doc:
    """The spaCy Doc of ``text``; recent parses are cached because several checks read the same material."""
    return pipeline()(text)


# --- sentences and phrases --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Sentences with offsets into ``text``; line breaks end sentences; blank ones are dropped."""
    found = []
    for sent in parse(text).sents:
        offset = sent.start_char
        for line in sent.text.split("\n"):  # jieba may keep "\n\n" as one token, which the sentencizer skips
            stripped = line.strip()
            if stripped:
                start = offset + line.index(stripped[0])
                found.append(Sentence(start, start + len(stripped), stripped))
            offset += len(line) + 1
    return found


@dataclass(frozen=True, slots=True)
class PhraseHit:
    start: int
    end: int
    phrase: str


def find_phrases(text: str, phrases: Iterable[str]) -> list[PhraseHit]:
    """Where any of ``phrases`` occurs in ``text`` as whole jieba tokens (PhraseMatcher), in text order."""
    key = tuple(sorted(set(phrases)))
    add_words(key)
    doc = parse(text)
    hits = []
    for _, start, end in _phrase_matcher(key)(doc):
        span = doc[start:end]
        hits.append(PhraseHit(span.start_char, span.end_char, span.text))
    return sorted(hits, key=lambda h: (h.start, -h.end))


@lru_cache(maxsize=64)
def _phrase_matcher(phrases: tuple[str, ...]):
    from spacy.matcher import PhraseMatcher

    nlp = pipeline()
    matcher = PhraseMatcher(nlp.vocab)
    matcher.add("PHRASE", [nlp.make_doc(p) for p in phrases])
    return matcher


def find_token_patterns(text: str, patterns: list[list[dict[str, Any]]]) -> list[PhraseHit]:
    """Where spaCy ``Matcher`` token patterns match in ``text`` (e.g. 将 followed by a verb of intent)."""
    doc = parse(text)
    matcher = _token_matcher(repr(patterns), patterns)
    hits = [PhraseHit(doc[s:e].start_char, doc[s:e].end_char, doc[s:e].text) for _, s, e in matcher(doc)]
    return sorted(hits, key=lambda h: (h.start, -h.end))


_token_matchers: dict[str, Any] = {}


def _token_matcher(key: str, patterns: list[list[dict[str, Any]]]):
    if key not in _token_matchers:
        from spacy.matcher import Matcher

        matcher = Matcher(pipeline().vocab)
        matcher.add("PATTERN", patterns)
        _token_matchers[key] = matcher
    return _token_matchers[key]
