"""Property-based tests (hypothesis) of the text functions every report is built on.

- 字数 (``screening.wordcount.count``): never crashes, counts are ordered as their definitions imply, and additive
  across a line break (so counting a document equals summing its paragraphs).
- Quantities (``screening.numbers``): never crash on any text; every mention's offsets point exactly at its span in
  the text given (also with full-width digits); values are exact ``Decimal`` strings; figures written in Arabic
  (with 万/亿) or in standard Chinese numerals read back as exactly the number that was written.
- Structure (``screening.documents.from_text``): never crashes; block offsets index ``Document.text`` exactly;
  every block belongs to exactly one section; sections nest under a parent of a smaller level.

Inputs mix the characters these functions care about (numerals, units, markers, punctuation, full-width forms) with
arbitrary Unicode, so both the interesting paths and the strange ones are reached.
"""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.documents import from_text
from screening.numbers import exact, find_quantities, parse_number
from screening.wordcount import count

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NUMERIC = list("0123456789０１２３４５６７８９.．,，%％") + list(
    "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
)
CONTEXT = [
    "元",
    "万元",
    "亿元",
    "户",
    "人次",
    "个",
    "年",
    "月",
    "日",
    "第",
    "前",
    "近",
    "超",
    "余",
    "多",
    "约",
    "左右",
    "同比增长",
    "百分之",
    "点",
    "倍",
    "-",
    "至",
    "~",
    "（",
    "）",
    "、",
    "。",
    "；",
    "：",
    "\n",
    " ",
    "\u3000",
    "5G",
    "4K",
    "H5",
    "COVID-19",
    "十四五",
    "二十大",
    "用户",
    "投资",
    "覆盖",
    "一、",
    "（一）",
    "1.",
    "第一，",
]
HAN = list("智慧广电网络服务平台建设项目累计用户覆盖全市县级融媒体中心")

pieces = st.one_of(st.sampled_from(NUMERIC), st.sampled_from(CONTEXT), st.sampled_from(HAN), st.characters())
texts = st.lists(pieces, max_size=60).map("".join)
EXACT = re.compile(r"^-?\d+(?:\.\d+)?$")


# ---- 字数 -------------------------------------------------------------------------------------------------------------


@SETTINGS
@given(texts)
def test_counts_are_ordered_as_their_definitions_imply(text):
    counts = count(text)
    assert set(counts) == {"word", "hanzi", "chars", "chars_no_spaces"}
    assert 0 <= counts["hanzi"] <= counts["chars_no_spaces"] <= counts["chars"] <= len(text)
    assert counts["hanzi"] <= counts["word"] <= counts["chars_no_spaces"]


@SETTINGS
@given(texts, texts)
def test_counts_add_up_across_a_line_break(first, second):
    joined = count(first + "\n" + second)
    parts = [count(first), count(second)]
    assert joined == {key: parts[0][key] + parts[1][key] for key in joined}


@SETTINGS
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=200))
def test_every_hanzi_is_one_word_and_one_hanzi(text):
    counts = count(text)
    assert counts["word"] == counts["hanzi"] == counts["chars"] == len(text)


# ---- quantities -----------------------------------------------------------------------------------------------------


@SETTINGS
@given(texts)
def test_quantities_never_crash_and_offsets_point_at_the_span(text):
    previous_start = -1
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert q.span == text[q.start : q.end]
        assert q.start >= previous_start  # in reading order
        previous_start = q.start
        value = q.to_dict()["value"]
        assert EXACT.match(value), value
        assert Decimal(value) == q.value
        if q.upper is not None:
            assert Decimal(q.to_dict()["upper"]) == q.upper


@SETTINGS
@given(
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([("万", 10**4), ("亿", 10**8), ("", 1)]),
)
def test_arabic_figures_with_multipliers_are_exact(number, multiplier):
    word, factor = multiplier
    written = f"{number:f}"
    text = f"项目总投资{written}{word}元，覆盖全市。"
    found = [q for q in find_quantities(text) if q.unit == "元"]
    assert len(found) == 1, found
    assert found[0].value == Decimal(written) * factor
    assert exact(found[0].value) == exact(Decimal(written) * factor)
    assert found[0].span == text[found[0].start : found[0].end]


@SETTINGS
@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_standard_chinese_numerals_read_back_exactly(number):
    assert parse_number(chinese_numeral(number)) == number


@SETTINGS
@given(st.integers(min_value=2, max_value=10**8 - 1))
def test_chinese_figures_in_a_sentence_keep_their_value(number):
    text = f"累计服务用户{chinese_numeral(number)}户。"
    found = [q for q in find_quantities(text) if q.unit == "户"]
    assert [q.value for q in found] == [number]


@SETTINGS
@given(texts)
def test_full_width_digits_keep_offsets_in_the_original_text(text):
    wide = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for q in find_quantities(wide):
        assert q.span == wide[q.start : q.end]


def chinese_numeral(number: int) -> str:
    """The standard written form (一万零一十, 十二, 三亿零五百万), the way an applicant would write it."""
    digits = "零一二三四五六七八九"
    groups, rest = [], number
    while rest:
        groups.append(rest % 10_000)
        rest //= 10_000
    out, zero_pending = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(out)
            continue
        if out and (zero_pending or group < 1000):
            out += "零"
        out += _group(group, digits, leading=not out) + ["", "万", "亿"][index]
        zero_pending = False
    return out


def _group(group: int, digits: str, *, leading: bool) -> str:
    text, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = group // value % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += ("" if (unit == "十" and digit == 1 and leading and not text) else digits[digit]) + unit
    return text


def test_the_numeral_writer_itself():
    assert [chinese_numeral(n) for n in (12, 10010, 100000, 300050000, 20002, 1001)] == [
        "十二",
        "一万零一十",
        "十万",
        "三亿零五万",
        "二万零二",
        "一千零一",
    ]


# ---- structure ------------------------------------------------------------------------------------------------------

LINES = st.one_of(
    st.sampled_from(
        [
            "一、总体情况",
            "（一）建设背景",
            "1. 主要做法",
            "（1）平台",
            "第一章 概述",
            "① 要点",
            "# 标题",
            "## 小节",
            "| 指标 | 数值 |",
            "|---|---|",
            "| 用户 | 120万 |",
            "",
        ]
    ),
    st.lists(pieces, max_size=30).map("".join),
)
documents = st.lists(LINES, max_size=25).map("\n".join)


@SETTINGS
@given(documents, st.sampled_from(["txt", "md"]))
def test_structure_offsets_and_sections_are_consistent(text, format):
    doc = from_text(text, format=format)
    assert doc.text == "\n".join(block.text for block in doc.blocks)
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
    owners = [index for section in doc.sections for index in section.blocks]
    assert sorted(owners) == list(range(len(doc.blocks)))  # each block in exactly one section
    for number, section in enumerate(doc.sections):
        assert 0 <= section.start <= section.body_start <= max(section.end, section.body_start) <= len(doc.text)
        assert section.start <= section.end
        if section.parent is not None:
            parent = doc.sections[section.parent]
            assert section.parent < number
            assert parent.heading is not None and parent.level < section.level
            assert parent.start <= section.start and section.end <= parent.end
