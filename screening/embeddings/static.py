"""A static embedding distilled from the converted e5: one vector per token piece, a text is their mean.

Built at setup from the e5 folder (``python -m screening.embeddings distill``, ~2 minutes on 2 cores), after
../shared/research/deps.md §2: every CJK or ASCII piece of the vocabulary goes through e5 alone (``<s> piece </s>``,
mean-pooled), the vectors are reduced to 256 dimensions with PCA, and each piece is weighted by SIF
(``a / (a + p(piece))`` from the Unigram log-probabilities) so frequent pieces count less. The result is a plain
``StaticEmbedding`` folder that sentence-transformers loads natively; the service reads it without torch
(``numpy_static.StaticEmbedder``: numpy + ``tokenizers``, the same vectors), so only this setup step needs torch.

It encodes ~200 paragraphs/s against e5's ~18, with no 512-token limit, but separates texts less well: whether it
is good enough is decided per use in bench/results/ (category and duplicates).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import STATIC_NAME, quiet_model_loading  # noqa: F401  (STATIC_NAME: the folder name, re-exported for the CLI)

DIMS = 256
SIF_A = 1e-3
BATCH = 512


def _kept(piece: str) -> bool:
    core = piece.replace("\u2581", "")
    return bool(core) and all(ch.isascii() and ch.isalnum() or "\u4e00" <= ch <= "\u9fff" for ch in core)


def piece_vectors(e5_dir: Path, ids: list[int], *, bos: int, eos: int) -> np.ndarray:
    """e5's mean-pooled vector of each piece on its own."""
    import torch
    from sentence_transformers import SentenceTransformer

    quiet_model_loading()
    model = SentenceTransformer(str(e5_dir), device="cpu")
    bert = model[0].auto_model.eval()
    out = np.zeros((len(ids), bert.config.hidden_size), np.float32)
    with torch.inference_mode():
        for start in range(0, len(ids), BATCH):
            batch = torch.tensor([[bos, i, eos] for i in ids[start : start + BATCH]])
            hidden = bert(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state
            out[start : start + len(batch)] = hidden.mean(dim=1).numpy()
    return out


def distill(e5_dir: Path, out_dir: Path) -> Path:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, StaticEmbedding
    from sklearn.decomposition import PCA
    from tokenizers import Tokenizer

    spec = json.loads((e5_dir / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = spec["model"]["vocab"]  # [[piece, log-probability], ...]
    tokenizer = Tokenizer.from_file(str(e5_dir / "tokenizer.json"))
    bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    ids = [i for i, (piece, _score) in enumerate(vocab) if _kept(piece)]
    vectors = piece_vectors(e5_dir, ids, bos=bos, eos=eos)
    reduced = PCA(n_components=DIMS, random_state=0).fit_transform(vectors)
    probs = np.exp(np.array([vocab[i][1] for i in ids], np.float64))
    weights = np.zeros((len(vocab), DIMS), np.float32)
    weights[ids] = reduced * (SIF_A / (SIF_A + probs))[:, None]
    model = SentenceTransformer(
        modules=[StaticEmbedding(tokenizer, embedding_weights=weights), Normalize()], device="cpu"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(str(out_dir))
    return out_dir
