"""Chinese text processing shared by the checks: lexicons, the spaCy pipeline, sentences and phrase matching.

The pipeline is spaCy's blank Chinese language with the jieba segmenter and a sentencizer; no trained model is needed
(none exists on PyPI, see ../shared/research/deps.md §3). It is built once per process: jieba's prefix dictionary
comes from our cache (``_stock_prefix_dictionary``, ~0.3 s against jieba's own ~0.75 s), and spaCy is imported
without letting thinc import torch and without ``spacy.cli`` (``import_spacy``); the first call pays that and every
later call is warm.
Before the first parse, jieba's dictionary is extended with our domain words (``corpora/lexicons/domain_words.txt``),
the phrases of the other lexicons and the cue words of every rulebook, so that 融媒体 or 广受好评 stay one token and
phrase matching works on whole words.

Why match on jieba tokens rather than substrings: a token boundary is what separates 拟 (plans to) from 模拟
(simulate), or 将 from 将军. The price is that a phrase jieba splits differently in context can be missed, which is
why every phrase we match is added to jieba's dictionary first (:func:`add_words`).

Numbers are *not* found here: spaCy's ``like_num`` knows neither 16.4亿 nor 百分之一点五七 (see ``screening.numbers``).

Lexicons are plain files under ``corpora/lexicons/`` (each starts with a comment on its source and meaning):
``.txt`` files hold one entry per line with ``#`` comments, ``.toml`` files hold tables. Both are read once.

Process-wide state, on purpose (each keyed by what it was built from, so nothing depends on who asked first):
the spaCy pipeline and jieba's dictionary (jieba's dictionary is global to the process, so the lexicons that extend it
are the shipped ones, ``LEXICONS_DIR``, not a per-service setting), the lexicon files (cached by name), and the
derived files in ``CACHE_DIR`` (``var/cache``: rebuildable; tests point it elsewhere by patching the constant).
No function here reads the environment.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import shutil
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import CORPORA_DIR, PROJECT_DIR

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # spaCy is imported lazily: importing it costs ~1 s and not every caller needs it
    from spacy.language import Language
    from spacy.tokens import Doc

# A sentence ends at these tokens. The semicolon is left out on purpose: Chinese lists run on with ；, and a
# "sentence" for the claims and length checks is what a reader would cut or quote as one.
SENTENCE_ENDS = ["。", "！", "？", "!", "?", "\n", "…"]


# --- lexicons ---------------------------------------------------------------------------------------------------


LEXICONS_DIR = CORPORA_DIR / "lexicons"
CACHE_DIR = PROJECT_DIR / "var" / "cache"


def lexicon_path(name: str) -> Path:
    return LEXICONS_DIR / name


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

    spacy = import_spacy()

    jieba.setLogLevel(logging.WARNING)
    _initialise_from_cache(jieba.dt)
    _add_to_jieba(_lexicon_words())
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer.jieba_seg = _DictionaryOnlyJieba(jieba)
    nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_ENDS})
    return nlp


def import_spacy():
    """``import spacy``, keeping thinc from importing torch when nothing has imported it yet.

    thinc (spaCy's ML layer) probes ``import torch`` at import time to offer GPU and PyTorch layers; a blank
    Chinese pipeline with a sentencizer uses neither, and the probe costs 1.3-1.5 s of a cold ``screening check``
    (``python -X importtime``, 2 cores; bench/results/speed.md). While thinc is imported, ``sys.modules["torch"]``
    is set to None, so its ``try: import torch`` takes the ImportError branch; the entry is removed right after, so
    a later ``import torch`` (e5 through sentence-transformers) works as usual. thinc then reports no torch for the
    rest of the process, which only matters to thinc's PyTorch wrappers, which we never use.

    The trade-off: another thread importing torch *for the first time* during those few hundred milliseconds would
    fail (loudly: the embedding loader logs it and the report says degraded). The service imports spaCy in its
    start-up warm-up, before it reports healthy, and the static embedding needs no torch, so nothing does that.
    """
    import sys

    if "thinc" not in sys.modules and "torch" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]  # import torch -> ImportError
        try:
            import thinc.compat  # noqa: F401
        finally:
            if sys.modules.get("torch", 0) is None:
                del sys.modules["torch"]
    if "spacy" not in sys.modules:
        _import_spacy_without_cli()
    import spacy

    return spacy


def _import_spacy_without_cli() -> None:
    """``import spacy`` without importing ``spacy.cli``, which ``spacy/__init__`` pulls in for ``spacy.info`` alone.

    ``spacy.cli`` brings typer's commands, weasel, requests and the model downloader: ~0.3 s of a cold
    ``screening check`` (cProfile, 2 cores) for commands we never run. While spaCy's package is imported,
    ``sys.modules`` holds a stand-in ``spacy.cli.info`` whose ``info`` imports the real one when called; the stand-ins
    are removed right after, so a later ``import spacy.cli`` (spaCy's own commands, ``python -m spacy``) imports the
    real package as usual. Nothing else in spaCy imports ``spacy.cli`` (checked for spaCy 3.8). The same trade-off
    as the torch stand-in above: a thread importing ``spacy.cli`` during those milliseconds would get the stand-in;
    nothing in the service does.
    """
    import sys
    import types

    def info(*args, **kwargs):
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    package, module = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")
    module.info = info  # type: ignore[attr-defined]
    package.info = module  # type: ignore[attr-defined]
    sys.modules.update({"spacy.cli": package, "spacy.cli.info": module})
    try:
        import spacy  # noqa: F401
    finally:
        for name, stand_in in (("spacy.cli", package), ("spacy.cli.info", module)):
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
        if getattr(sys.modules.get("spacy"), "cli", None) is package:
            delattr(sys.modules["spacy"], "cli")


# --- jieba's dictionary, cached -----------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where derived, rebuildable files go (``CACHE_DIR``, ``var/cache``)."""
    return CACHE_DIR


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Create ``path`` (a file or a folder) whole or not at all, for the caches several processes may build at once.

    ``write`` fills a sibling temporary path named after this process, which then replaces ``path`` in one rename:
    a concurrent reader sees no ``path``, the old one or the whole new one, never a half-written one. On failure the
    temporary is removed and the error raised; the callers treat an ``OSError`` as "not cached this time" (a folder
    cannot replace an existing non-empty one: another process built it first).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        if temporary.is_dir():
            shutil.rmtree(temporary, ignore_errors=True)
        else:
            temporary.unlink(missing_ok=True)
        raise


@cache
def _stock_prefix_dictionary() -> tuple[dict[str, int], int]:
    """jieba's stock prefix dictionary ``(FREQ, total)``: what ``jieba.initialize()`` loads, read faster.

    jieba keeps the same dictionary in ``/tmp/jieba.cache`` but reads it with ``marshal.load(file)``, which pulls
    the 9 MB file in small reads: 2.5x slower than ``marshal.loads`` over the bytes read at once (measured in one run
    on 2 cores: 5.6 s against 2.2 s under heavy load; ~0.75 s against ~0.3 s on a quiet machine). Our copy lives in
    ``cache_dir()`` (``/tmp`` may be emptied at every boot, and then jieba's first start spends ~1.3 s rebuilding),
    named by a hash of jieba's version and its dictionary file, so an upgrade builds a new one. A missing, unreadable
    or corrupt cache is rebuilt from jieba's own dictionary; failing to write it only costs the next start time.
    The returned dict is never handed out: callers get copies (0.02-0.1 s each), since each tokenizer mutates its own.
    """
    import jieba

    path = _jieba_cache_path(jieba)
    try:
        freq, total = marshal.loads(path.read_bytes())
        if isinstance(freq, dict) and isinstance(total, int) and freq:
            return freq, total
    except (OSError, EOFError, ValueError, TypeError):
        pass
    freq, total = jieba.Tokenizer.gen_pfdict(jieba.Tokenizer().get_dict_file())
    try:
        write_atomically(path, lambda temporary: temporary.write_bytes(marshal.dumps((freq, total))))
    except OSError as exc:
        log.warning("jieba dictionary cache not written (%s): every start rebuilds it", exc)
    return freq, total


def _jieba_cache_path(jieba) -> Path:
    source = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    stat = source.stat()
    key = hashlib.sha1(f"{jieba.__version__}|{source}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    return cache_dir() / f"jieba-{key}.marshal"


def _initialise_from_cache(tokenizer) -> None:
    """Give a ``jieba.Tokenizer`` on the stock dictionary its prefix dictionary from the cache; leave one that is
    already initialised (or has another dictionary) to jieba."""
    import jieba

    with tokenizer.lock:
        if tokenizer.initialized or tokenizer.dictionary != jieba.DEFAULT_DICT:
            return
        freq, total = _stock_prefix_dictionary()
        tokenizer.FREQ, tokenizer.total = dict(freq), total
        tokenizer.initialized = True


def stock_jieba():
    """A new ``jieba.Tokenizer`` with only the stock dictionary (not the domain words the pipeline adds), ready to
    cut: for callers whose output must not depend on our lexicons (e.g. duplicate fingerprints)."""
    import jieba

    tokenizer = jieba.Tokenizer()
    _initialise_from_cache(tokenizer)
    return tokenizer


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
    """Sentences with offsets into ``text``; line breaks end sentences; blank ones are dropped.

    Three steps of one screening ask for the same material's sentences (category, claims, the element model); they
    are kept on the cached Doc (``Doc.user_data``), so they live and die with ``parse``'s cache (a new word, or a
    bench clearing it, recomputes both). Each caller gets its own list.
    """
    doc = parse(text)
    found = doc.user_data.get(_SENTENCES)
    if found is None:
        found = doc.user_data[_SENTENCES] = tuple(_sentences_of(doc))
    return list(found)


_SENTENCES = "screening.sentences"


def _sentences_of(doc: Doc) -> list[Sentence]:
    found = []
    for sent in doc.sents:
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
    return _matches(text, "phrases", key)


def find_token_sequences(text: str, sequences: Iterable[tuple[str, ...]]) -> list[PhraseHit]:
    """Where any of ``sequences`` occurs in ``text``, each a run of exact jieba tokens (``("将", "继续")`` is 将
    followed by 继续 as two tokens, ``("将继续",)`` the one token), in text order.

    What spaCy's ``Matcher`` does with ``[{"TEXT": "将"}, {"TEXT": {"IN": [...]}}]`` patterns, through a
    PhraseMatcher over token lists instead: the same matches in a fraction of the time (5000字: ~0.1 ms against
    1-3 ms on 2 shared cores; the Matcher tests a predicate on every token). The words are not added to jieba's
    dictionary: a sequence says how the text must already be cut.
    """
    return _matches(text, "tokens", tuple(sorted(set(map(tuple, sequences)))))


def _matches(text: str, kind: str, key: tuple) -> list[PhraseHit]:
    """The hits of one pattern list on ``text``'s cached Doc, kept on the Doc (``Doc.user_data``) like the sentences:
    the element check asks for the same cue list once per category it tries and again for the learned model's
    features. Each caller gets its own list."""
    doc = parse(text)
    found = doc.user_data.setdefault(_MATCHES, {})
    if (kind, key) not in found:
        hits = []
        for _, start, end in _phrase_matcher(kind, key)(doc):
            span = doc[start:end]
            hits.append(PhraseHit(span.start_char, span.end_char, span.text))
        found[kind, key] = tuple(sorted(hits, key=lambda h: (h.start, -h.end)))
    return list(found[kind, key])


_MATCHES = "screening.matches"


@lru_cache(maxsize=64)
def _phrase_matcher(kind: str, key: tuple):
    """A PhraseMatcher for phrases cut by the pipeline (``kind == "phrases"``) or for given token runs."""
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    nlp = pipeline()
    matcher = PhraseMatcher(nlp.vocab)
    if kind == "phrases":
        matcher.add("PHRASE", [nlp.make_doc(p) for p in key])
    else:
        matcher.add("PHRASE", [Doc(nlp.vocab, words=list(words)) for words in key])
    return matcher
