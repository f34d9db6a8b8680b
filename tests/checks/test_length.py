from screening.campaigns import get_campaign
from screening.documents import from_text
from screening.wordcount import count_for

from .helpers import codes
from .materials import FILLER, material_text


def _padded(target_words: int) -> str:
    text = material_text()
    while count_for(text, "word") < target_words:
        text += "\n" + FILLER
    return text


def test_over_limit_is_an_error_pointing_at_the_crossing_sentence(run_checks):
    text = _padded(5200)
    result = run_checks(from_text(text)).results["length"]
    total = result.measurement["count"]
    assert total >= 5200 and result.measurement["over_by"] == total - 5000
    (finding,) = [f for f in result.findings if f.code == "length.over_limit"]
    assert finding.severity == "error" and str(total - 5000) in finding.message
    (span,) = finding.evidence
    # the 5000th counted 字 lies inside the marked sentence: before it the count is within the limit, after it over
    assert count_for(text[: span.start], "word") <= 5000 < count_for(text[: span.end], "word")
    assert text[span.start : span.end] == span.text
    assert finding.rule.startswith("广电办发〔2025〕45号")


def test_within_limit_has_no_length_finding(run_checks):
    result = run_checks(from_text(material_text())).results["length"]
    assert codes(result) == []
    assert result.measurement["limit"] == 5000 and result.measurement["basis"] == "word"


def test_very_short_material_gets_a_warning(run_checks):
    result = run_checks(from_text("一、总体情况\n某台建设了客户端，用户12万。")).results["length"]
    assert codes(result) == ["length.too_short"]


def test_call_without_limit_says_so_and_invents_none(run_checks):
    campaign = get_campaign("nrta-2020-smart-broadcasting-demo")
    material = campaign.default_material
    assert material.limit is None
    result = run_checks(from_text(material_text()), campaign=campaign, category=None).results["length"]
    assert codes(result) == ["length.no_limit"] and result.findings[0].severity == "info"
