"""The static embedding without torch: numpy for the vectors, the ``tokenizers`` library for the pieces.

The distilled model (``static.py``) is a plain table: one 256-dimensional row per token piece; a text's vector is the
mean of its pieces' rows, L2-normalised. sentence-transformers computes exactly that with ``torch.nn.EmbeddingBag``
(mode "mean") and ``Normalize``, but loading it means importing torch, transformers and sentence-transformers:
6.1 s of the 10-11 s a cold ``screening check`` took on 2 cores (issue 15), for a table lookup.

Here the same folder is read directly:

- ``0_StaticEmbedding/tokenizer.json`` with ``tokenizers.Tokenizer`` (no padding, no special tokens: what
  ``StaticEmbedding.preprocess`` does), behind the same one-pass normaliser as the sentence-transformers path;
- ``0_StaticEmbedding/model.safetensors``, tensor ``embedding.weight``, memory-mapped with ``numpy.memmap`` instead of
  read: opening costs no time and no private memory; only the rows of pieces that occur are paged in, and those pages
  are shared between processes (batch workers) through the page cache. The whole table is 256 MB of float32.

The vectors equal sentence-transformers' to float32 rounding (summation order differs; tests/embeddings checks
``allclose`` on real model output when the model is built). Reading the safetensors header by hand keeps this file
free of the safetensors package's torch-flavoured loaders; the format is 8 bytes of header length, a JSON header
naming each tensor's dtype, shape and byte range, then the raw little-endian data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import struct
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from . import Embedder, one_pass_normaliser

log = logging.getLogger(__name__)

MODULE_TYPE = "StaticEmbedding"
ROW_CACHE_SIZE = 4096  # texts whose vectors are kept (StaticEmbedder.encode): ~4 MB
WEIGHTS_TENSOR = "embedding.weight"
_DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8"}


class StaticFormatError(ValueError):
    """The folder is not a StaticEmbedding (+ Normalize) folder this loader understands."""


def static_module_dir(folder: Path) -> Path | None:
    """The StaticEmbedding module's folder when ``folder`` is a static-embedding model, else None (e.g. e5).

    Only a pipeline of StaticEmbedding followed by nothing but Normalize qualifies: anything else (pooling, dense
    layers) would need the model it describes, so it goes to sentence-transformers as before.
    """
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if not kinds or kinds[0] != MODULE_TYPE or any(k != "Normalize" for k in kinds[1:]):
        return None
    return folder / modules[0].get("path", "")


def read_safetensor(path: Path, name: str) -> np.ndarray:
    """One tensor of a safetensors file, memory-mapped read-only."""
    with path.open("rb") as fh:
        (header_len,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(header_len))
    if name not in header:
        raise StaticFormatError(f"{path} has no tensor {name!r}")
    entry = header[name]
    if entry["dtype"] not in _DTYPES:
        raise StaticFormatError(f"{path}: unsupported dtype {entry['dtype']}")
    start, end = entry["data_offsets"]
    dtype = np.dtype(_DTYPES[entry["dtype"]])
    shape = tuple(entry["shape"])
    if end - start != dtype.itemsize * int(np.prod(shape)):
        raise StaticFormatError(f"{path}: {name} has {end - start} bytes for shape {shape}")
    return np.memmap(path, dtype=dtype, mode="r", offset=8 + header_len + start, shape=shape)


# --- the tokenizer, cut to the scripts a material is written in --------------------------------------------------

# Characters a Chinese material is written in: ASCII, Latin-1 and Latin Extended (pinyin tones), Greek, general and
# CJK punctuation, letterlike and number forms, arrows and maths, enclosed numbers, shapes, kana, CJK (with
# extension A and compatibility ideographs), fullwidth forms; and the metaspace "▁" the pre-tokenizer writes.
SCOPE = (
    (0x0000, 0x024F),
    (0x0370, 0x03FF),
    (0x2000, 0x22FF),
    (0x2460, 0x27BF),
    (0x3000, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),
)
# What nearly every sentence of a material stays within: SCOPE without the accented Latin letters (À-ÿ and Latin
# Extended, but × and ÷ stay) and Greek. Those letters belong to 27,000 of the scoped pieces (European words);
# leaving them out loads the tokenizer in ~0.18 s instead of ~0.28 s (one run, 2 cores).
NARROW = ((0x0000, 0x00BF), (0x00D7, 0x00D7), (0x00F7, 0x00F7), *SCOPE[2:])
RECIPE = "scoped-unigram-2"  # bump when the derived files change meaning


def _outside(ranges) -> re.Pattern[str]:
    """A pattern matching any character outside ``ranges``: one C-level scan per text instead of a Python
    comparison per character (which cost ~6 ms of each warm screening)."""
    return re.compile("[^" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges) + "]")


_OUTSIDE_SCOPE, _OUTSIDE_NARROW = _outside(SCOPE), _outside(NARROW)


def in_scope(text: str) -> bool:
    """Whether every character of ``text`` is in ``SCOPE``."""
    return not _OUTSIDE_SCOPE.search(text)


def in_narrow(text: str) -> bool:
    """Whether every character of ``text`` is in ``NARROW``."""
    return not _OUTSIDE_NARROW.search(text)


class ScopedTokenizer:
    """The model's Unigram tokenizer, loaded in a sixth of the time, giving the same pieces.

    Building ``tokenizers.Tokenizer`` from the model's ``tokenizer.json`` costs ~1.8 s of CPU (250,002 pieces, and
    ~4,800 one-character normalisation rules): more than jieba's whole start-up, in every cold ``screening check``,
    and the library holds the GIL throughout, so it cannot overlap other start-up work. Derived files, built on
    first use into ``screening.nlp.cache_dir()`` and keyed by the source file, cut it:

    - the normalisation rules as a ``str.translate`` table (``one_pass_normaliser``), saved beside the tokenizer;
    - a *narrow* tokenizer: only the ~110,000 pieces made of ``NARROW`` characters (~0.18 s), loaded at once;
    - a *scoped* tokenizer: the ~137,000 pieces made of ``SCOPE`` characters (~0.28 s), loaded the first time a
      text has an accented Latin or a Greek letter;
    - each keeps the lowest-scoring piece, which fixes the unknown-character score.

    Exactness: Unigram segmentation of a text only ever considers pieces that occur in it, with their own scores.
    A text whose characters are all in ``NARROW`` (or ``SCOPE``) can contain no other piece, so the cut tokenizer
    builds the same lattice and picks the same path; its ids are mapped back to the model's. A text with any other
    character goes to the full tokenizer (with the rules moved out, also cached), loaded the first time one comes
    (logged). The trade-off of three tiers: the first text of a process with an accented letter pays ~0.28 s.
    """

    def __init__(self, source: Path) -> None:
        from tokenizers import Tokenizer

        files = derived_files(source)
        self.narrow = _ready(Tokenizer.from_file(str(files["narrow"])))
        self.narrow_ids = np.load(files["narrow-ids"])
        self.scoped_ids = np.load(files["ids"])
        self.table = {int(k): v for k, v in json.loads(files["table"].read_text(encoding="utf-8")).items()}
        self.vocab_size = int(json.loads(files["meta"].read_text(encoding="utf-8"))["vocab_size"])
        self._files = files
        self._scoped = None
        self._full = None
        self._lock = threading.Lock()

    @property
    def scoped(self):
        """The tokenizer over ``SCOPE`` pieces, for texts with accented Latin or Greek letters."""
        with self._lock:
            if self._scoped is None:
                from tokenizers import Tokenizer

                self._scoped = _ready(Tokenizer.from_file(str(self._files["scoped"])))
            return self._scoped

    @property
    def full(self):
        """The whole tokenizer (rules moved into ``table``), for texts with characters outside ``SCOPE``."""
        with self._lock:
            if self._full is None:
                from tokenizers import Tokenizer

                log.info(
                    "a text has characters outside the scoped tokenizer; loading the full one (%s)", self._files["full"]
                )
                self._full = _ready(Tokenizer.from_file(str(self._files["full"])))
            return self._full

    def get_vocab_size(self) -> int:
        """The model's vocabulary size (not the scoped tokenizer's)."""
        return self.vocab_size

    def ids(self, texts: list[str]) -> list[list[int]]:
        """Each (already translated) text's piece ids in the model's numbering, without special tokens."""
        out: list[list[int] | None] = [None] * len(texts)
        narrow: list[int] = []
        scoped: list[int] = []
        others: list[int] = []
        for i, text in enumerate(texts):
            (narrow if in_narrow(text) else scoped if in_scope(text) else others).append(i)
        tiers = (
            (lambda: self.narrow, self.narrow_ids, narrow),
            (lambda: self.scoped, self.scoped_ids, scoped),
            (lambda: self.full, None, others),
        )  # the scoped and full tokenizers load only when a text needs them
        for tier, mapping, chosen in tiers:
            if not chosen:
                continue
            # the _fast variant skips the character offsets we never read: same ids in about half the time (a 5000字
            # material's paragraphs: ~3-4 ms against ~5-9 ms, 2 shared cores, one run each way)
            encodings = tier().encode_batch_fast([texts[i] for i in chosen], add_special_tokens=False)
            for i, encoding in zip(chosen, encodings):
                out[i] = encoding.ids if mapping is None else mapping[encoding.ids].tolist()
        return out  # type: ignore[return-value]


def _ready(tokenizer):
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def derived_files(source: Path) -> dict[str, Path]:
    """The narrow and scoped tokenizers with their id maps, the translate table and the full tokenizer without its
    rules, for the model tokenizer at ``source``: read from the cache, or built there (a few seconds, once per
    model build)."""
    from ..nlp import cache_dir

    stat = source.stat()
    key = hashlib.sha1(
        f"{RECIPE}|{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{SCOPE}|{NARROW}".encode()
    ).hexdigest()
    folder = cache_dir() / f"static-tokenizer-{key[:16]}"
    files = {
        "narrow": folder / "narrow.json",
        "narrow-ids": folder / "narrow-ids.npy",
        "scoped": folder / "scoped.json",
        "ids": folder / "scoped-ids.npy",
        "table": folder / "table.json",
        "full": folder / "full.json",
        "meta": folder / "meta.json",
    }
    if all(path.exists() for path in files.values()):
        return files
    _build_derived(source, folder, files)
    return files


def _build_derived(source: Path, folder: Path, files: dict[str, Path]) -> None:
    from tokenizers import Tokenizer

    from ..nlp import write_atomically

    tokenizer = Tokenizer.from_file(str(source))
    table = one_pass_normaliser(tokenizer) or {}
    spec = json.loads(tokenizer.to_str())
    model = spec["model"]
    if model.get("type") != "Unigram":
        raise StaticFormatError(f"{source}: a {model.get('type')} tokenizer, not Unigram")
    kept: dict[str, list[int]] = {}

    def fill(staging: Path) -> None:
        staging.mkdir()
        for name, ids_name, inside in (("narrow", "narrow-ids", in_narrow), ("scoped", "ids", in_scope)):
            cut, kept[name] = _cut_spec(spec, inside)
            (staging / files[name].name).write_text(json.dumps(cut, ensure_ascii=False), encoding="utf-8")
            np.save(staging / files[ids_name].name, np.asarray(kept[name], dtype=np.int32))
        (staging / files["table"].name).write_text(
            json.dumps({str(k): v for k, v in table.items()}, ensure_ascii=False), encoding="utf-8"
        )
        tokenizer.save(str(staging / files["full"].name))
        (staging / files["meta"].name).write_text(
            json.dumps(
                {
                    "vocab_size": len(model["vocab"]),
                    "source": str(source),
                    **{f"kept_{k}": len(v) for k, v in kept.items()},
                }
            ),
            encoding="utf-8",
        )

    try:
        write_atomically(folder, fill)  # readers see no folder or a whole one
    except OSError:
        if not all(path.exists() for path in files.values()):
            raise
        return  # another process built it first: keep theirs
    log.info(
        "built the cut tokenizers cache %s: %s of %d pieces",
        folder,
        {k: len(v) for k, v in kept.items()},
        len(model["vocab"]),
    )


def _cut_spec(spec: dict, inside) -> tuple[dict, list[int]]:
    """The tokenizer spec keeping only the pieces ``inside`` accepts (plus special tokens and the lowest-scoring
    piece), and the kept pieces' ids in the model's numbering."""
    model = spec["model"]
    vocab = model["vocab"]
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    special = {model.get("unk_id")} | {t["id"] for t in spec.get("added_tokens", [])}
    kept = [i for i, (piece, _score) in enumerate(vocab) if i in special or i == lowest or inside(piece)]
    new_id = {old: new for new, old in enumerate(kept)}
    cut = {
        **spec,
        "model": {**model, "vocab": [vocab[i] for i in kept]},
        "added_tokens": [{**t, "id": new_id[t["id"]]} for t in spec.get("added_tokens", [])],
    }
    if model.get("unk_id") is not None:
        cut["model"]["unk_id"] = new_id[model["unk_id"]]
    cut["post_processor"] = None  # special tokens are never added here; their ids would be the model's
    return cut, kept


class StaticEmbedder(Embedder):
    """``Embedder`` for a static embedding folder, computed with numpy (same methods, same shapes, same vectors).

    ``model`` is None: there is no sentence-transformers object behind it. ``weights`` is the table,
    ``tokenizer`` a ``ScopedTokenizer`` over the model's tokenizer.
    """

    def __init__(self, module_dir: Path, *, name: str) -> None:
        self.model = None
        self.name = name
        self.tokenizer = ScopedTokenizer(module_dir / "tokenizer.json")
        self._translate = self.tokenizer.table or None
        # a plain ndarray view of the same mapping: indexing a ``np.memmap`` goes through its Python-level
        # ``__getitem__`` and ``__array_finalize__`` (~2% of a warm screening, one call per paragraph)
        self.weights = np.asarray(read_safetensor(module_dir / "model.safetensors", WEIGHTS_TENSOR))
        if self.weights.ndim != 2 or self.weights.shape[0] < self.tokenizer.get_vocab_size():
            raise StaticFormatError(
                f"{module_dir}: {self.weights.shape} rows for a vocabulary of {self.tokenizer.get_vocab_size()}"
            )
        self.dim = int(self.weights.shape[1])
        self._init_cache()

    @property
    def static(self) -> bool:
        return True

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Each text's piece ids, normalised as the sentence-transformers path does, without special tokens."""
        return self.tokenizer.ids([self._normalise(t) for t in texts])

    def count_tokens(self, text: str) -> int:
        return len(self.token_ids([text])[0])

    def _init_cache(self) -> None:
        super()._init_cache()
        self._rows: OrderedDict[str, np.ndarray] = OrderedDict()

    def clear_cache(self) -> None:
        super().clear_cache()
        with self._cache_lock:
            self._rows.clear()

    def encode(self, texts: list[str], *, query: bool = False, batch_size: int = 16) -> np.ndarray:
        """Unit vectors, one row per text (float32): the mean of the pieces' rows, normalised; an empty text (no
        pieces) gives a zero row, as EmbeddingBag + Normalize do. ``query`` and ``batch_size`` are accepted for the
        common interface; a static model has no prompts and needs no batching.

        Rows are remembered per text (the last ``ROW_CACHE_SIZE``, ~1 KB each): the element check encodes the same
        paragraphs once per role, four times a screening, and tokenising them was most of the cost (~12 of ~17 ms
        for a 5000字 material, cProfile)."""
        out = np.zeros((len(texts), self.dim), np.float32)
        with self._cache_lock:
            known = {text: self._rows[text] for text in set(texts) if text in self._rows}
        missing = list(dict.fromkeys(text for text in texts if text not in known))
        for text, ids in zip(missing, self.token_ids(missing)):
            vector = np.zeros(self.dim, np.float32)
            if ids:
                mean = self.weights[ids].astype(np.float32, copy=False).mean(axis=0)
                vector = mean / max(float(np.linalg.norm(mean)), 1e-12)
            known[text] = vector
        with self._cache_lock:
            for text in missing:
                self._rows[text] = known[text]
            while len(self._rows) > ROW_CACHE_SIZE:
                self._rows.popitem(last=False)
        for row, text in enumerate(texts):
            out[row] = known[text]
        return out
