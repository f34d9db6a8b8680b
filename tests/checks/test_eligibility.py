import datetime as dt

from .helpers import codes
from .materials import material


def test_unknown_category_is_an_error_finding(run_checks):
    result = run_checks(material(), category="短视频创作").results["eligibility"]
    (finding,) = result.findings
    assert finding.code == "eligibility.unknown_category" and finding.severity == "error"
    assert "新媒体平台建设" in finding.suggestion


def test_old_category_name_is_accepted_through_its_alias(run_checks):
    ctx = run_checks(material(), category="体制机制改革")
    assert ctx.category.name == "创新发展机制"
    assert codes(ctx.results["eligibility"]) == ["eligibility.category_renamed"]


def test_late_submission_is_an_error(run_checks, campaign):
    late = campaign.dates.deadline + dt.timedelta(days=1)
    result = run_checks(material(), options={"submitted_on": late}).results["eligibility"]
    assert codes(result, "error") == ["eligibility.late"]
    assert codes(run_checks(material(), options={"submitted_on": campaign.dates.deadline}).results["eligibility"]) == []


def test_undeclared_category_is_info(run_checks):
    assert codes(run_checks(material(), category=None).results["eligibility"]) == ["eligibility.category_not_declared"]
