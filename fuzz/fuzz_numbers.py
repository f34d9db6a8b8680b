"""Fuzz quantity extraction: any text, and every mention must point at its own span with an exact value."""

from _harness import instrumented

with instrumented():
    import re
    from decimal import Decimal

    from _harness import run

    from screening.numbers import find_quantities, parse_number

EXACT = re.compile(r"^-?\d+(?:\.\d+)?$")


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text), q
        assert q.span == text[q.start : q.end], q
        value = q.to_dict()["value"]
        assert EXACT.match(value) and Decimal(value) == q.value, q
    try:
        parse_number(text[:40])
    except ValueError:
        pass


def seeds() -> dict[str, bytes]:
    samples = [
        "累计服务用户超过120万户，同比增长35%。",
        "投资16.4亿元，其中3541.07万元用于平台建设。",
        "覆盖十万零一千户，日活13万2人次。",
        "2024年3月15日上线，排名第3，前十名。",
        "百分之一点五七，10-20万元，三至五年。",
        "5G、4K/8K、1080P不是数量；十四五、二十大也不是。",
        "（一）1. 第一，一是：",
        "发行总额（亿）10.00",
    ]
    return {f"seed{i}.txt": s.encode() for i, s in enumerate(samples)}


if __name__ == "__main__":
    run(test_one_input, seeds)
