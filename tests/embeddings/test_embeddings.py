"""Chunking (used with and without the model), the absent-model path, and the built model when present."""

import pytest

from screening.embeddings import MODEL_NAME, chunk_text, get_embedder, model_path

def test_chunks_respect_the_budget_and_cover_the_text():
    text = "".join(f"这是第{i}个句子，内容用于测试分块。" for i in range(200))
    chunks = chunk_text(text, budget=100)
    assert all(len(c.text) <= 100 for c in chunks)
    assert "".join(c.text for c in chunks) == text
    assert all(text[c.start:c.end] == c.text for c in chunks)


def test_overlong_sentence_is_cut_by_characters():
    text = "长" * 1000 + "。"
    chunks = chunk_text(text, budget=300)
    assert len(chunks) == 4 and all(len(c.text) <= 300 for c in chunks)
    assert "".join(c.text for c in chunks) == text


def test_token_measure_is_used_when_given():
    chunks = chunk_text("甲。乙。丙。丁。", budget=2, measure=lambda s: 1)
    assert [c.text for c in chunks] == ["甲。乙。", "丙。丁。"]


def test_missing_model_gives_none(tmp_path, caplog):
    assert get_embedder(tmp_path) is None
    assert any("degraded" in r.message for r in caplog.records)


@pytest.mark.slow
@pytest.mark.skipif(not (model_path() / "modules.json").exists(), reason="embedding model not built")
def test_built_model_loads_offline_and_separates_paraphrase_from_unrelated():
    embedder = get_embedder()
    assert embedder is not None and embedder.name == MODEL_NAME
    v = embedder.encode(["本项目拟制作一档电视纪录片", "我们计划拍摄一部电视纪录片", "客户端接入政务服务事项"])
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2]
    long = "".join(f"融媒体中心第{i}项工作取得了明显成效。" for i in range(300))
    assert len(embedder.chunks(long)) > 1
    assert embedder.encode_long(long).shape == (384,)
