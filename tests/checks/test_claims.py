from screening import nlp
from screening.campaigns import get_campaign
from screening.documents import from_text

from .helpers import codes
from .materials import material


def test_claim_without_figure_is_unsupported(run_checks):
    doc = from_text("节目播出后反响热烈。各方面都很关注。\n节目播出后广受好评，全网播放量超3000万次。")
    result = run_checks(doc).results["claims"]
    claims = {c["phrase"]: c["supported"] for c in result.measurement["subjective"]}
    assert claims == {"反响热烈": False, "广受好评": True}
    (finding,) = [f for f in result.findings if f.code == "claims.unsupported"]
    assert finding.severity == "warning" and [s.label for s in finding.evidence] == ["反响热烈"]
    assert doc.text[finding.evidence[0].start : finding.evidence[0].end] == "节目播出后反响热烈。"


def test_figure_in_next_sentence_supports_the_claim(run_checks):
    doc = from_text("节目反响热烈。首播当晚收视率达到2.1%。")
    assert run_checks(doc).results["claims"].measurement["unsupported_count"] == 0


def test_phrase_inside_a_longer_word_does_not_match(run_checks):
    doc = from_text("我们模拟了传输链路。")  # 拟 inside 模拟 is not a plan
    assert run_checks(doc).results["claims"].measurement["plan_like"] == []


def test_plans_told_as_results_warn_when_only_completed_cases_are_accepted(run_checks):
    campaign = get_campaign("nrta-2024-smart-network-services")
    assert any(e.kind == "completed_only" for e in campaign.eligibility)
    doc = from_text("一、应用成效\n平台拟于明年上线智能推荐功能，预计覆盖用户50万户。\n平台将进一步扩大服务范围。")
    result = run_checks(doc, campaign=campaign, category=None).results["claims"]
    (finding,) = [f for f in result.findings if f.code == "claims.plan_like"]
    assert finding.severity == "warning" and len(finding.evidence) == 2


def test_next_steps_may_talk_about_plans(run_checks):
    result = run_checks(material()).results["claims"]
    assert "claims.plan_like" not in codes(result)


def test_token_sequences_match_whole_tokens_in_either_cut():
    text = "平台将继续扩大服务。将军府将持续开放，并将逐步完善。"
    sequences = [("将", w) for w in ("继续", "持续")] + [("将" + w,) for w in ("继续", "持续")]
    hits = nlp.find_token_sequences(text, sequences)
    assert [(h.phrase, h.start) for h in hits] == [("将继续", 2), ("将持续", 13)]  # however jieba cut them
    assert all(text[h.start : h.end] == h.phrase for h in hits)
    tokens = [t.text for t in nlp.parse(text)]
    # one hit per place where the tokens spell a sequence
    assert len(hits) == sum(tuple(tokens[i : i + len(s)]) == s for s in sequences for i in range(len(tokens)))
    assert nlp.find_token_sequences(text, [("将", "继")]) == []  # 继 is not a token here: no partial match
