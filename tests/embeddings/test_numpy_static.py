"""The torch-free static embedder gives sentence-transformers' vectors, through the same public API.

A small StaticEmbedding folder is built here with sentence-transformers (a Unigram tokenizer over Chinese pieces,
random weights, a normaliser with one-character ``Replace`` rules like the converted e5's), then read both ways.
When the real distilled model is built (``make embedding-model``), the same comparison runs on it.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from screening import embeddings, nlp
from screening.embeddings import STATIC_NAME, get_embedder, load_embedder, model_path
from screening.embeddings.numpy_static import StaticEmbedder, read_safetensor, static_module_dir

TEXTS = [
    "本项目拟制作一档电视纪录片",
    "我们计划拍摄一部电视纪录片。",
    "客户端接入政务服务事项",
    "ＡＢＣ全角字母和数字１２３",
    "",
    "   ",
    "融媒体中心" * 200,
    "дом电视纪录片",
    "政务😀服务",
]
OUT_OF_SCOPE = [7, 8]  # Cyrillic (a piece of the vocabulary) and an emoji (no piece: unknown)


def _tiny_static_folder(folder):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, StaticEmbedding
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

    pieces = ["<unk>", "<s>", "</s>", "\u2581"] + list(
        "本项目拟制作一档电视纪录片我们计划拍摄部客户端接入政务服务事项融媒体中心"
    )
    pieces += ["电视", "纪录片", "政务服务", "融媒体", "ABC", "123", "\u2581我们", "дом", "д", "о", "м", "视纪"]
    vocab = [(p, -float(i % 7) - 1.0) for i, p in enumerate(pieces)]
    vocab[pieces.index("дом")] = ("дом", -30.0)  # the lowest score, out of scope: it sets the unknown's score
    tok = Tokenizer(models.Unigram(vocab, unk_id=0, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace("Ａ", "A"),
            normalizers.Replace("Ｂ", "B"),
            normalizers.Replace("Ｃ", "C"),
            normalizers.Replace("１", "1"),
            normalizers.Replace("２", "2"),
            normalizers.Replace("３", "3"),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    weights = np.random.default_rng(0).normal(size=(len(pieces), 16)).astype(np.float32)
    model = SentenceTransformer(modules=[StaticEmbedding(tok, embedding_weights=weights), Normalize()], device="cpu")
    model.save(str(folder))
    return folder


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    return _tiny_static_folder(tmp_path_factory.mktemp("models") / STATIC_NAME)


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Derived tokenizer files go to a fresh cache per test, so each test also exercises building them."""
    monkeypatch.setattr(nlp, "CACHE_DIR", tmp_path / "cache")


def _sentence_transformers_embedder(folder):
    return embeddings._load_sentence_transformer(folder, name=STATIC_NAME)


def test_static_folder_is_read_with_numpy_and_gives_the_same_vectors(tiny_folder):
    fast = load_embedder(tiny_folder, name=STATIC_NAME)
    reference = _sentence_transformers_embedder(tiny_folder)
    assert isinstance(fast, StaticEmbedder) and fast.model is None
    assert reference is not None and not isinstance(reference, StaticEmbedder)
    ours, theirs = fast.encode(TEXTS), reference.encode(TEXTS)
    assert ours.dtype == theirs.dtype == np.float32 and ours.shape == theirs.shape == (len(TEXTS), 16)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert not ours[4].any()  # no pieces: a zero row, as EmbeddingBag + Normalize give
    assert fast.tokenizer._full is not None  # the out-of-scope texts went to the full tokenizer
    assert np.allclose(np.linalg.norm(np.delete(ours, 4, axis=0), axis=1), 1.0, atol=1e-6)


def test_the_common_interface_is_unchanged(tiny_folder):
    fast = load_embedder(tiny_folder, name=STATIC_NAME)
    reference = _sentence_transformers_embedder(tiny_folder)
    assert fast.static and reference.static and fast.dim == reference.dim == 16 and fast.name == STATIC_NAME
    text = "本项目拟制作一档电视纪录片。客户端接入政务服务事项。"
    assert [c.text for c in fast.chunks(text)] == [c.text for c in reference.chunks(text)] == [text]
    assert fast.chunks("  ") == []
    np.testing.assert_allclose(fast.encode_long(text), reference.encode_long(text), atol=1e-6)
    assert fast.encode_long(text).shape == (16,) and fast.encode([]).shape == (0, 16)
    assert fast.encode(["电视"], query=True).shape == (1, 16)
    assert fast.count_tokens("电视纪录片") == len(fast.token_ids(["电视纪录片"])[0]) >= 2


def test_weights_are_memory_mapped_not_copied(tiny_folder):
    weights = read_safetensor(static_module_dir(tiny_folder) / "model.safetensors", "embedding.weight")
    assert isinstance(weights, np.memmap) and not weights.flags.writeable and weights.shape[1] == 16


def test_e5_style_folder_is_not_taken_for_static(tmp_path):
    (tmp_path / "modules.json").write_text(
        '[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},'
        ' {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]'
    )
    assert static_module_dir(tmp_path) is None


def test_broken_static_folder_is_loud_and_degrades(tiny_folder, tmp_path, caplog):
    import shutil

    broken = tmp_path / STATIC_NAME
    shutil.copytree(tiny_folder, broken)
    module = static_module_dir(broken)
    (module / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{}              ")
    assert load_embedder(broken, name=STATIC_NAME) is None
    assert any("degraded" in r.getMessage() for r in caplog.records)


def test_loading_the_static_embedding_imports_no_torch(tiny_folder):
    code = (
        "import sys; from pathlib import Path; from screening.embeddings import get_embedder, STATIC_NAME;"
        f"e = get_embedder(Path({str(tiny_folder.parent)!r}), name=STATIC_NAME); v = e.encode(['电视纪录片']);"
        "print(type(e).__name__, v.shape, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["StaticEmbedder", "(1,", "16)", "False", "False"]


@pytest.mark.slow
@pytest.mark.skipif(not (model_path(name=STATIC_NAME) / "modules.json").exists(), reason="static model not built")
def test_built_static_model_gives_the_sentence_transformers_vectors():
    fast = get_embedder(name=STATIC_NAME)
    reference = _sentence_transformers_embedder(model_path(name=STATIC_NAME))
    assert isinstance(fast, StaticEmbedder) and fast.dim == reference.dim
    texts = TEXTS + [
        "县级融媒体中心建设“中央厨房”，日均生产稿件120条，同比增长35%。",
        "Ｗｅｂ端、ＡＰＰ端①②③ — 《新闻联播》·α",
    ]
    np.testing.assert_allclose(fast.encode(texts), reference.encode(texts), atol=1e-5)
    long = "".join(f"融媒体中心第{i}项工作取得了明显成效。" for i in range(300))
    np.testing.assert_allclose(fast.encode_long(long), reference.encode_long(long), atol=1e-5)


def test_scoped_tokenizer_gives_the_full_tokenizers_ids(tiny_folder):
    from tokenizers import Tokenizer

    from screening.embeddings.numpy_static import ScopedTokenizer

    module = static_module_dir(tiny_folder)
    reference = Tokenizer.from_file(str(module / "tokenizer.json"))
    scoped = ScopedTokenizer(module / "tokenizer.json")
    texts = [t.translate(scoped.table) for t in TEXTS]
    assert scoped.ids(texts[:7]) == [e.ids for e in reference.encode_batch(TEXTS[:7], add_special_tokens=False)]
    assert scoped._full is None  # in-scope texts never load the full tokenizer
    assert scoped.ids(texts) == [e.ids for e in reference.encode_batch(TEXTS, add_special_tokens=False)]
    assert scoped._full is not None
    assert scoped.get_vocab_size() == reference.get_vocab_size()
    assert len(scoped.scoped_ids) < reference.get_vocab_size()  # the Cyrillic pieces but the lowest were left out


def test_derived_files_are_built_once_and_reused(tiny_folder):
    from screening.embeddings.numpy_static import derived_files

    source = static_module_dir(tiny_folder) / "tokenizer.json"
    first = derived_files(source)
    stamps = {name: path.stat().st_mtime_ns for name, path in first.items()}
    again = derived_files(source)
    assert again == first and {name: p.stat().st_mtime_ns for name, p in again.items()} == stamps


def test_accented_latin_and_greek_load_the_scoped_tier_only_when_met(tiny_folder):
    from tokenizers import Tokenizer

    from screening.embeddings.numpy_static import ScopedTokenizer, in_narrow, in_scope

    module = static_module_dir(tiny_folder)
    reference = Tokenizer.from_file(str(module / "tokenizer.json"))
    tiered = ScopedTokenizer(module / "tokenizer.json")
    plain = ["电视纪录片×2", "ABC123÷政务"]
    assert tiered.ids(plain) == [e.ids for e in reference.encode_batch(plain, add_special_tokens=False)]
    assert tiered._scoped is None and tiered._full is None  # the narrow tokenizer alone covered them
    accented = ["Pokémon电视", "α政务服务", "电视纪录片"]
    assert not in_narrow(accented[0]) and in_scope(accented[0]) and not in_narrow(accented[1])
    assert tiered.ids(accented) == [e.ids for e in reference.encode_batch(accented, add_special_tokens=False)]
    assert tiered._scoped is not None and tiered._full is None
    assert len(tiered.narrow_ids) <= len(tiered.scoped_ids) < reference.get_vocab_size()


def test_remembered_rows_equal_fresh_ones(tiny_folder):
    fast = load_embedder(tiny_folder, name=STATIC_NAME)
    texts = ["电视纪录片", "政务服务", "电视纪录片", ""]
    first = fast.encode(texts)
    again = fast.encode(list(reversed(texts)))  # all four from the cache now, in another order
    np.testing.assert_array_equal(again, first[::-1])
    np.testing.assert_array_equal(first[0], first[2])
    first[0] += 1  # a caller's array is its own: the cache is not touched
    fast.clear_cache()
    np.testing.assert_array_equal(fast.encode(texts[:1])[0], again[3])
