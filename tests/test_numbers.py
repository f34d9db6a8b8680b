"""Exact values for every numeral form, and the failure strings of cn2an and JioNLP (anchors.md §1.6) as goldens."""

from decimal import Decimal

import pytest

from screening.numbers import exact, find_quantities, parse_number


@pytest.mark.parametrize(
    "numeral, value",
    [
        ("16.4亿", "1640000000"),  # cn2an #55 gave 1639999999 through a float
        ("1.2亿", "120000000"),
        ("3541.07万", "35410700"),
        ("13万2", "132000"),  # cn2an #57: colloquial 13.2万
        ("两千二百", "2200"),
        ("两千两百二十五", "2225"),  # cn2an #62/#84
        ("两百", "200"),
        ("十万零一千", "101000"),  # cn2an #78
        ("一百零五", "105"),
        ("一百五", "150"),
        ("伍仟", "5000"),
        ("二〇二五", "2025"),
        ("一点五七", "1.57"),
        ("100000万", "1000000000"),  # JioNLP #151 lost the leading 1
        ("1,234,567.5", "1234567.5"),
        ("1.23456万", "12345.6"),  # JioNLP #147: more than four decimals
        ("十", "10"),
        ("二十五", "25"),
        ("一万亿", "1000000000000"),
        ("三亿五千万", "350000000"),
    ],
)
def test_parse_number_is_exact(numeral, value):
    parsed = parse_number(numeral)
    assert isinstance(parsed, Decimal)
    assert exact(parsed) == value


@pytest.mark.parametrize("bad", ["", "点", "万万万x", "abc"])
def test_parse_number_rejects_non_numbers(bad):
    with pytest.raises(ValueError):
        parse_number(bad)


def _values(text):
    return [(q.span, exact(q.value), q.unit) for q in find_quantities(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("百分之一点五七", [("百分之一点五七", "1.57", "%")]),  # cn2an #26: 1.5699999999999998
        ("两三个平台", [("两三个", "2", "个")]),  # not 23个
        ("伍仟元整", [("伍仟元", "5000", "元")]),
        ("123元1角1分", [("123元1角1分", "123.11", "元")]),  # JioNLP #257 gave 6.11
        ("营收3541.07万元", [("3541.07万元", "35410700", "元")]),
        ("发行总额（亿）10.00", [("10.00", "1000000000", None)]),  # JioNLP #252: a unit in the label
        ("小于40万", [("小于40万", "400000", None)]),  # JioNLP #240 raised ValueError
    ],
)
def test_library_failure_strings(text, expected):
    assert _values(text) == expected


def test_jionlp_trailing_digit_is_not_summed():
    # JioNLP #49 parsed "3541.07万元2" as 200000.20 by summing digits.
    first = find_quantities("3541.07万元2")[0]
    assert (first.span, exact(first.value), first.unit) == ("3541.07万元", "35410700", "元")


@pytest.mark.parametrize("text", ["两点半开会", "统一零售价", "一去二三里"])
def test_cn2an_misreadings_do_not_happen(text):
    # cn2an: 两点半 → 2点0.5, 统一零售价 → 统10售价, 一去二三里 → 1去23里.
    values = {exact(q.value) for q in find_quantities(text)}
    assert not values & {"0.5", "10", "23", "1"}


@pytest.mark.parametrize(
    "text",
    [
        "5G和4K/8K超高清",
        "学习二十大精神",
        "十四五规划",
        "推进一体化",
        "一系列举措",
        "第一时间发布",
        "H5页面和MP4文件",
        "一是加强，二是完善",
        "1080P高清",
        "第三方平台",
        "智媒云6.0整体架构",
        "8＋N模式",
        "数个客户端",
        "几个平台",
    ],
)
def test_not_quantities(text):
    assert find_quantities(text) == []


def test_section_numbers_are_not_quantities():
    assert find_quantities("一、项目背景\n（一）总体情况\n1. 平台建设\n（2）节目\n3.1 运营") == []


def test_ranges_share_multiplier_and_unit():
    (q,) = find_quantities("投入10-20万元")
    assert (exact(q.value), exact(q.upper), q.unit) == ("100000", "200000", "元")
    (q,) = find_quantities("三至五年内完成")
    assert (exact(q.value), exact(q.upper), q.unit) == ("3", "5", "年")


def _ranges(text):
    return [
        (q.span, exact(q.value), q.upper if q.upper is None else exact(q.upper), q.unit, q.approx)
        for q in find_quantities(text)
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("每场三五百元", [("三五百元", "300", "500", "元", "三五")]),
        ("成本四五千元", [("四五千元", "4000", "5000", "元", "四五")]),
        ("投入二三十万元", [("二三十万元", "200000", "300000", "元", "二三")]),
        ("来了十七八个人", [("十七八个", "17", "18", "个", "七八")]),
        ("约一千七八百人参加", [("约一千七八百人", "1700", "1800", "人", "约")]),
        ("投资几十万元", [("几十万元", "200000", "900000", "元", "几")]),
        ("服务数百个客户端", [("数百个", "200", "900", "个", "数")]),
        ("每月增长几千粉丝", [("几千粉丝", "2000", "9000", "粉丝", "几")]),
        ("票价十块三毛", [("十块三毛", "10.3", None, "元", None)]),
        ("奖励1万元--5万元", [("1万元--5万元", "10000", "50000", "元", None)]),
        ("奖励1万元——5万元", [("1万元——5万元", "10000", "50000", "元", None)]),
        ("补贴3万至5万元", [("3万至5万元", "30000", "50000", "元", None)]),
        ("2023年至2024年", [("2023年至2024年", "2023", "2024", "年", None)]),
    ],
)
def test_approximate_and_colloquial_forms(text, expected):
    assert _ranges(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("参与人数十万", [("十万", "100000", None, None, None)]),  # 人数 is a noun: the figure is exact
        ("安装两块屏幕", [("两块", "2", None, "块", None)]),  # 块 without 毛 is a measure word
        ("二〇二三年", [("二〇二三年", "2023", None, "年", None)]),  # bare digits stay positional
        ("两三个平台", [("两三个", "2", "3", "个", "两三")]),
        ("一百五十元", [("一百五十元", "150", None, "元", None)]),
    ],
)
def test_exact_forms_are_not_read_as_approximate(text, expected):
    assert _ranges(text) == expected


def test_vague_amounts_are_found_but_not_data():
    from screening.numbers import is_data

    vague, exact_figure = find_quantities("投资几十万元，营收300万元")
    assert not is_data(vague) and is_data(exact_figure)


def test_approx_and_comparative_markers():
    qs = find_quantities("阅读量超10亿次，同比增长35.6%，服务10余万户，3000人左右，较上年增长3倍")
    by_span = {q.span: q for q in qs}
    assert by_span["超10亿次"].approx == "超" and exact(by_span["超10亿次"].value) == "1000000000"
    assert by_span["35.6%"].comparative == "同比增长"
    assert by_span["10余万户"].approx == "余" and exact(by_span["10余万户"].value) == "100000"
    assert by_span["3000人左右"].approx == "左右"
    assert by_span["3倍"].comparative == "较上年增长"


def test_kinds():
    text = "截至2024年3月，客户端下载量达3200万次，营收1.2亿元，员工560人，满意度98.5%，排名第3名。预计明年用户将达到5000万。"
    kinds = {q.span: q.kind for q in find_quantities(text)}
    assert kinds == {
        "2024年3月": "date",
        "3200万次": "scale",
        "1.2亿元": "finance",
        "560人": "operations",
        "98.5%": "feedback",
        "第3名": "rank",
        "5000万": "expectation",
    }


def test_offsets_index_the_text_even_with_full_width_digits():
    text = "用户达到１２万户，增长３０％"
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.span
    assert [exact(q.value) for q in find_quantities(text)] == ["120000", "30"]


def test_to_dict_is_the_report_contract():
    (q,) = find_quantities("用户规模达16.4亿")
    assert q.to_dict() == {
        "span": "16.4亿",
        "start": 5,
        "end": 10,
        "value": "1640000000",
        "unit": None,
        "kind": "scale",
        "comparative": None,
        "approx": None,
        "upper": None,
    }


def test_long_values_stay_exact():
    assert exact(parse_number("123456789012345678901234.5亿")) == "12345678901234567890123450000000"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = "0123456789.,-%一二两三十百千万亿零点余多约超近第个元年月日次人，。、（）\n5GK数上至百分之"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_any_text_yields_well_formed_mentions(text):
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.span
        assert Decimal(exact(q.value)) == q.value
        assert q.upper is None or q.upper >= 0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("阅读量2.4W+，点赞量600+。", [("2.4W+", "24000", None, None, "+"), ("600+", "600", None, None, "+")]),
        ("生于微末：2009-2014，亚文化", [("2009-2014", "2009", "2014", None, None)]),
        ("2019 年 4 月", [("2019 年", "2019", None, "年", None), ("4 月", "4", None, "月", None)]),
        ("杨凯.(2019).研究.今传媒,27(12),1-5.", [("2019", "2019", None, None, None)]),
    ],
)
def test_web_and_layout_forms(text, expected):
    assert _ranges(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "广办通字【2009】34号",
        "要求：1）必须结合；2）不得",
        "附录5：数字藏品",
        "讨论问题3的案例",
        "欧亚大陆间",
        "采用第一人称叙事",
        "五位一体的采编中心",
        "二次加工后发布",
        "十六国时期",
        "见https://a.cn/13.1356.F.20241224.html",
        "DOI:10.12677/ml.2023.1111717",
        "三个模型有机结合[2]",
        "8+N模式",
        "1+N全媒体联盟",
    ],
)
def test_identifiers_labels_and_set_phrases_are_not_quantities(text):
    assert [q.span for q in find_quantities(text) if q.span not in ("三个",)] == []
