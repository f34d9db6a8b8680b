"""Chunking (used with and without the model), the absent-model path, and the built model when present."""

import pytest

from screening.embeddings import MODEL_NAME, chunk_text, get_embedder, model_path


def test_chunks_respect_the_budget_and_cover_the_text():
    text = "".join(f"这是第{i}个句子，内容用于测试分块。" for i in range(200))
    chunks = chunk_text(text, budget=100)
    assert all(len(c.text) <= 100 for c in chunks)
    assert "".join(c.text for c in chunks) == text
    assert all(text[c.start : c.end] == c.text for c in chunks)


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


# --- the per-use policy -------------------------------------------------------------------------------------------

from screening import embeddings  # noqa: E402


def test_a_use_without_a_chosen_model_gets_none_and_no_note(monkeypatch, tmp_path):
    monkeypatch.setitem(embeddings.POLICY, "category", None)
    assert embeddings.embedder_for("category", tmp_path) is None
    assert embeddings.degraded_note("category", None) is None


def test_a_chosen_model_that_cannot_load_is_logged_and_noted(monkeypatch, tmp_path, caplog):
    monkeypatch.setitem(embeddings.POLICY, "duplicates", embeddings.STATIC_NAME)
    monkeypatch.setattr(embeddings, "_warned", set())
    assert embeddings.embedder_for("duplicates", tmp_path) is None
    assert embeddings.embedder_for("duplicates", tmp_path) is None
    logged = [r for r in caplog.records if "duplicates" in r.getMessage() and "degraded" in r.getMessage()]
    assert len(logged) == 1  # once per process, not once per report
    note = embeddings.degraded_note("duplicates", None)
    assert note and embeddings.STATIC_NAME in note
    assert embeddings.degraded_note("duplicates", object()) is None


def test_embedders_name_every_use_by_its_field(monkeypatch, tmp_path):
    for use in embeddings.POLICY:
        monkeypatch.setitem(embeddings.POLICY, use, None)
    options = embeddings.Embedders.chosen(tmp_path).names()
    assert options == {"elements": None, "category": None, "duplicates": None}


def test_one_pass_normaliser_gives_what_the_rules_in_sequence_give():
    from tokenizers import Regex, Tokenizer, models, normalizers

    from screening.embeddings import one_pass_normaliser

    tok = Tokenizer(models.Unigram([("<unk>", 0.0), ("a", -1.0)], unk_id=0, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace("Ａ", "A"),
            normalizers.Replace("A", "a"),  # a chain: Ａ -> A -> a
            normalizers.Replace("ｂ", "b\u3000 "),
            normalizers.Replace("\u3000", " "),  # one char to several
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    texts = ["ＡAａｂｂ  x\u3000y", "没有规则的字", "ｂ ｂＡ"]
    expected = [tok.normalizer.normalize_str(t) for t in texts]
    table = one_pass_normaliser(tok)
    assert table is not None and len(tok.normalizer.normalize_str("Ａ")) == 1  # the single-character rules moved out
    assert [tok.normalizer.normalize_str(t.translate(table)) for t in texts] == expected


def test_one_pass_normaliser_leaves_other_tokenizers_alone():
    from tokenizers import Tokenizer, models, normalizers

    from screening.embeddings import one_pass_normaliser

    tok = Tokenizer(models.Unigram([("<unk>", 0.0)], unk_id=0, byte_fallback=False))
    tok.normalizer = normalizers.NFKC()
    assert one_pass_normaliser(tok) is None and tok.normalizer.normalize_str("Ａ") == "A"
