"""No text makes a check crash: every check returns findings with offsets inside the text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.documents import from_text

_PIECES = [
    "一、总体情况",
    "二、成效",
    "（一）做法",
    "1.",
    "广受好评",
    "拟",
    "将进一步",
    "3541.07万元",
    "十万零一千",
    "第一，",
    "。",
    "，",
    "\n",
    "\t",
    " ",
    "问题",
    "下一步",
    "5G",
    "两三个",
    "2024年",
    "%",
    "百分之",
    "反响热烈",
    "x",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_checks_survive_any_text(run_checks, text):
    doc = from_text(text)
    ctx = run_checks(doc)
    for result in ctx.results.values():
        for finding in result.findings:
            for span in finding.evidence:
                assert 0 <= span.start <= span.end <= len(doc.text)


def test_empty_text(run_checks):
    ctx = run_checks(from_text(""))
    assert ctx.results["quantities"].measurement["data_count"] == 0
    assert ctx.results["length"].measurement["count"] == 0
