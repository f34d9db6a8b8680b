"""Word-style 字数 and the other counts (screening.wordcount)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.wordcount import COUNT_BASES, count, count_basis_label, count_for, word_count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("智慧广电", 4),  # each 汉字 counts 1
        ("你好，世界。", 6),  # full-width punctuation counts 1 each
        ("2024", 1),  # a run of digits is one word
        ("5G", 1),
        ("3.5%", 1),  # half-width punctuation inside a run does not split it
        ("June 30, 2003", 3),  # Word's English rule
        ("06/30/2003", 1),
        ("a , b", 2),  # a lone half-width comma counts 0
        ("建设5G基站3.5万个", 8),  # 建设 2 + 5G 1 + 基站 2 + 3.5 1 + 万个 2
        ("“数字乡村”——试点……", 12),  # curly quotes, dashes and ellipses count as full-width punctuation
        ("  \n\t\u3000", 0),  # whitespace never counts
    ],
)
def test_word_count_follows_words_convention(text, expected):
    assert word_count(text) == expected


def test_counts_distinguish_hanzi_and_characters():
    counts = count("共建设 5G 基站，覆盖率98%。\n第二行")
    assert counts["hanzi"] == 11  # 共建设 基站 覆盖率 第二行
    assert counts["chars"] == len("共建设 5G 基站，覆盖率98%。第二行")  # line breaks are not characters
    assert counts["chars_no_spaces"] == counts["chars"] - 2
    assert counts["word"] == word_count("共建设 5G 基站，覆盖率98%。\n第二行")


def test_count_for_and_labels_cover_every_basis():
    text = "智慧广电 2024"
    assert [count_for(text, basis) for basis in COUNT_BASES] == [count(text)[basis] for basis in COUNT_BASES]
    assert count_basis_label("hanzi") == "汉字数"
    assert "Word" in count_basis_label("word")
    with pytest.raises(ValueError):
        count_basis_label("pages")


_MIXED = st.text(alphabet="智慧广电，。、“”——5G3.5% abcAB\t\u3000", max_size=40)


@given(_MIXED, _MIXED)
def test_counts_add_up_across_a_line_break(left, right):
    """A line break separates every counted unit, so counting two lines equals counting each."""
    whole, parts = count(left + "\n" + right), (count(left), count(right))
    assert whole == {key: parts[0][key] + parts[1][key] for key in whole}
