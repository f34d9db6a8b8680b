"""jieba's dictionary from our cache: the same prefix dictionary and the same cuts as ``jieba.initialize()``; a
missing or corrupt cache is rebuilt; spaCy comes without torch."""

from __future__ import annotations

import subprocess
import sys

import jieba
import pytest

from screening import nlp

TEXT = "县级融媒体中心建设中央厨房，日均生产稿件120条，同比增长35%。我们将进一步推进媒体深度融合。"


@pytest.fixture()
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(nlp, "CACHE_DIR", tmp_path / "cache")
    nlp._stock_prefix_dictionary.cache_clear()
    yield tmp_path / "cache"
    nlp._stock_prefix_dictionary.cache_clear()


def _jieba_own():
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def test_cached_dictionary_is_jiebas_own(fresh_cache):
    built = nlp.stock_jieba()  # no cache yet: built from jieba's dictionary file, then written
    files = list(fresh_cache.glob("jieba-*.marshal"))
    assert len(files) == 1
    nlp._stock_prefix_dictionary.cache_clear()
    loaded = nlp.stock_jieba()  # read back from the file
    reference = _jieba_own()
    assert loaded.total == built.total == reference.total
    assert loaded.FREQ == reference.FREQ
    assert loaded.lcut(TEXT, HMM=False) == reference.lcut(TEXT, HMM=False)


def test_each_tokenizer_gets_its_own_copy(fresh_cache):
    first, second = nlp.stock_jieba(), nlp.stock_jieba()
    first.add_word("中央厨房")
    assert "中央厨房" in first.lcut(TEXT, HMM=False)
    assert "中央厨房" not in second.lcut(TEXT, HMM=False)
    assert nlp.stock_jieba().FREQ.get("中央厨房", 0) == second.FREQ.get("中央厨房", 0)


def test_corrupt_cache_is_rebuilt(fresh_cache):
    nlp.stock_jieba()
    (path,) = fresh_cache.glob("jieba-*.marshal")
    path.write_bytes(b"not marshal data")
    nlp._stock_prefix_dictionary.cache_clear()
    assert nlp.stock_jieba().FREQ == _jieba_own().FREQ
    assert len(path.read_bytes()) > 1_000_000  # written again, whole


def test_unwritable_cache_still_gives_the_dictionary(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setattr(nlp, "CACHE_DIR", blocker / "cache")  # a directory under a file cannot exist
    nlp._stock_prefix_dictionary.cache_clear()
    try:
        assert nlp.stock_jieba().lcut(TEXT, HMM=False) == _jieba_own().lcut(TEXT, HMM=False)
        assert any("cache not written" in r.getMessage() for r in caplog.records)
    finally:
        nlp._stock_prefix_dictionary.cache_clear()


def test_pipeline_imports_spacy_without_torch_and_torch_still_imports_later():
    code = (
        "import sys; from screening import nlp; s = nlp.sentences('第一句。第二句！'); t = 'torch' in sys.modules;"
        "import torch; print(len(s), t, torch.tensor([1, 2]).sum().item())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["2", "False", "3"]
