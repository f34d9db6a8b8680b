"""Category suggestion: ranked, calibrated-looking probabilities, evidence with offsets, mismatch warnings, aliases."""

import pytest

from screening import category
from screening.campaigns import all_campaigns, get_campaign
from screening.checks.base import CheckContext
from screening.documents.model import Document

SERVICES_TEXT = (
    "我们把县里的政务服务搬到了手机上。\n"
    "融媒体中心开发便民服务小程序，接入社保查询、公积金提取、水电缴费等95项民生服务事项。\n"
    "中心还承接了网格化社会治理平台的建设运维，为县政府提供数据服务和舆情分析。\n"
    "两年来平台累计服务群众180万人次，群众办事平均少跑两趟。"
)
MECHANISM_TEXT = (
    "集团实施组织架构改革，把二十多个部门整合为八个中心，推行全员竞聘上岗。\n"
    "建立以传播效果和经营贡献为导向的考核激励机制，绩效薪酬向一线采编人员倾斜。\n"
    "组建事业部并推进公司化运营，人才队伍结构明显优化，经营收入稳步增长。"
)


def _ctx(text, campaign_id, declared):
    campaign = get_campaign(campaign_id)
    doc = Document(text=text, blocks=[], sections=[], format="txt")
    return CheckContext(document=doc, campaign=campaign, material=campaign.default_material,
                        category=campaign.category(declared) if declared else None, declared_category=declared,
                        options={})


@pytest.mark.parametrize("campaign", all_campaigns(), ids=lambda c: c.id)
def test_every_call_gets_a_full_ranking(campaign):
    ranked = category.suggest(SERVICES_TEXT, campaign)
    assert [r["id"] for r in ranked] != []
    assert {r["id"] for r in ranked} == {c.id for c in campaign.categories}
    assert abs(sum(r["probability"] for r in ranked) - 1) < 0.01
    assert [r["probability"] for r in ranked] == sorted((r["probability"] for r in ranked), reverse=True)


def test_clear_texts_get_the_right_top_category_with_evidence():
    campaign = get_campaign("nrta-2025-media-convergence")
    top = category.suggest(SERVICES_TEXT, campaign)[0]
    assert top["category"] == "综合信息服务"
    assert top["evidence"]
    for ev in top["evidence"]:
        assert SERVICES_TEXT[ev["start"]:ev["end"]] == ev["text"]
    assert category.suggest(MECHANISM_TEXT, campaign)[0]["id"] == "mechanism"


def test_declared_category_contradicting_a_confident_suggestion_warns():
    result = category.run(_ctx(MECHANISM_TEXT, "nrta-2025-media-convergence", "融合生产传播"))
    top = result.measurement["ranked"][0]
    assert top["id"] == "mechanism" and top["probability"] >= category.CONFIDENT
    [finding] = result.findings
    assert finding.code == "category.mismatch" and finding.severity == "warning"
    assert "创新发展机制" in finding.message and finding.evidence


def test_no_warning_below_confidence(monkeypatch):
    monkeypatch.setattr(category, "CONFIDENT", 1.01)
    result = category.run(_ctx(MECHANISM_TEXT, "nrta-2025-media-convergence", "融合生产传播"))
    assert result.findings == []


def test_alias_of_the_declared_category_is_the_same_category(monkeypatch):
    monkeypatch.setattr(category, "CONFIDENT", 0.0)  # any disagreement would warn
    result = category.run(_ctx(MECHANISM_TEXT, "nrta-2025-media-convergence", "体制机制改革"))
    assert result.measurement["ranked"][0]["id"] == "mechanism"
    assert result.findings == []


def test_empty_text_gives_no_ranking():
    result = category.run(_ctx("", "nrta-2025-media-convergence", None))
    assert result.measurement["ranked"] == [] and result.findings == []


def test_training_examples_cover_every_category_of_every_call():
    for campaign in all_campaigns():
        examples = category.training_examples(campaign.family)
        corpus = {e.category for e in examples if e.source == "corpus"}
        assert {c.id for c in campaign.categories} <= corpus, campaign.id


def test_archive_records_become_training_examples(tmp_path):
    from screening import db
    from screening.archive import Archive

    archive = Archive(db.get_engine(f"sqlite:///{tmp_path / 'a.db'}"), seed=False)
    archive.import_rows([{"year": "2024", "campaign": "全国广播电视媒体融合典型案例", "category": "体制机制改革",
                          "case_name": "甲", "unit": "甲台", "text": MECHANISM_TEXT},
                         {"year": "2024", "campaign": "全国广播电视媒体融合典型案例", "category": "", "case_name": "乙",
                          "unit": "乙台", "text": MECHANISM_TEXT}])
    examples = category.archive_examples("media-convergence", archive)
    assert [(e.category, e.source) for e in examples] == [("mechanism", "archive")]


def test_evaluate_and_card(tmp_path):
    examples = category.training_examples("smart-network-services")
    card = category.evaluate(examples)
    n = sum(map(sum, card["cv_confusion"]))
    assert n == len(examples) == card["examples"]
    assert 0 <= card["cv_accuracy"] <= 1 and 0 <= card["held_out_accuracy"] <= 1
    text = category.render_card({"command": "screening train", "sklearn": "x", "trained": "today"},
                                [{"family": "smart-network-services", "model": "m", "sources": {}, **card}])
    assert "cross-validated accuracy" in text and "| av-consumption |" in text


class FakeEmbedder:
    """Deterministic stand-in for e5 (hashed character counts), to exercise the embedding head without the model."""

    name = "fake-embedder"
    dim = 64

    def encode(self, texts, query=False):
        import numpy as np

        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            for ch in text:
                out[row, ord(ch) % self.dim] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def encode_long(self, text):
        return self.encode([text])[0]


def test_embedding_head_is_used_when_an_embedder_is_given():
    ctx = _ctx(SERVICES_TEXT, "nrta-2025-media-convergence", "综合信息服务")
    ctx.options["category_embedder"] = FakeEmbedder()
    result = category.run(ctx)
    assert result.measurement["model"] == "fake-embedder-logreg-calibrated" and result.degraded == []
    ranked = result.measurement["ranked"]
    assert abs(sum(r["probability"] for r in ranked) - 1) < 0.01 and ranked[0]["evidence"]


def test_lexical_by_default_even_when_an_embedder_is_around():
    ctx = _ctx(SERVICES_TEXT, "nrta-2025-media-convergence", None)
    ctx.options["embedder"] = FakeEmbedder()  # for duplicates; category chose lexical by measurement
    result = category.run(ctx)
    assert result.measurement["model"] == category.MODEL_LABEL
    assert result.measurement["degraded"] is False and result.degraded == []
