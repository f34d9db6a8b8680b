"""Category suggestion: ranked probabilities, evidence with offsets, mismatch warnings, aliases; the model stored as
arrays and scored without scikit-learn, exactly as scikit-learn would score it."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from screening import category
from screening import category_training as training
from screening.campaigns import all_campaigns, get_campaign
from screening.checks.base import CheckContext
from screening.config import DEFAULTS
from screening.documents.model import Document
from screening.embeddings import Embedders
from screening.services import Services

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
    return CheckContext(
        document=doc,
        campaign=campaign,
        material=campaign.default_material,
        category=campaign.category(declared) if declared else None,
        declared_category=declared,
    )


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
        assert SERVICES_TEXT[ev["start"] : ev["end"]] == ev["text"]
    assert category.suggest(MECHANISM_TEXT, campaign)[0]["id"] == "mechanism"


def _threshold(monkeypatch, value):
    monkeypatch.setattr(category, "warning_threshold", lambda model, semantic=False: value)


def test_declared_category_contradicting_a_confident_suggestion_warns(monkeypatch):
    _threshold(monkeypatch, 0.5)
    result = category.run(_ctx(MECHANISM_TEXT, "nrta-2025-media-convergence", "融合生产传播"))
    top = result.measurement["ranked"][0]
    assert top["id"] == "mechanism" and top["probability"] >= 0.5
    assert result.measurement["warning_threshold"] == 0.5 and result.measurement["declared"] == "融合生产传播"
    [finding] = result.findings
    assert finding.code == "category.mismatch" and finding.severity == "warning"
    assert "创新发展机制" in finding.message and finding.evidence
    for span in finding.evidence:
        assert MECHANISM_TEXT[span.start : span.end] == span.text


def test_no_warning_below_confidence(monkeypatch):
    _threshold(monkeypatch, 1.01)
    result = category.run(_ctx(MECHANISM_TEXT, "nrta-2025-media-convergence", "融合生产传播"))
    assert result.findings == []


def test_shipped_threshold_is_the_learned_one_or_the_fallback():
    campaign = get_campaign("nrta-2025-media-convergence")
    model = category.model_for(campaign)
    assert category.warning_threshold(model) == (category.CONFIDENT if model.confident is None else model.confident)
    assert 0 < category.warning_threshold(model) <= 1.01


def test_alias_of_the_declared_category_is_the_same_category(monkeypatch):
    _threshold(monkeypatch, 0.0)  # any disagreement would warn
    result = category.run(_ctx(MECHANISM_TEXT, "nrta-2025-media-convergence", "体制机制改革"))
    assert result.measurement["ranked"][0]["id"] == "mechanism"
    assert result.findings == []


def test_empty_text_gives_no_ranking():
    result = category.run(_ctx("", "nrta-2025-media-convergence", None))
    assert result.measurement["ranked"] == [] and result.findings == []


def test_training_examples_cover_every_category_of_every_call():
    for campaign in all_campaigns():
        examples = training.training_examples(campaign.family)
        corpus = {e.category for e in examples if e.source == "corpus"}
        assert {c.id for c in campaign.categories} <= corpus, campaign.id


def test_archive_records_become_training_examples(tmp_path):
    from screening import db
    from screening.archive import Archive

    archive = Archive(db.get_engine(f"sqlite:///{tmp_path / 'a.db'}"), seed=False)
    archive.import_rows(
        [
            {
                "year": "2024",
                "campaign": "全国广播电视媒体融合典型案例",
                "category": "体制机制改革",
                "case_name": "甲",
                "unit": "甲台",
                "text": MECHANISM_TEXT,
            },
            {
                "year": "2024",
                "campaign": "全国广播电视媒体融合典型案例",
                "category": "",
                "case_name": "乙",
                "unit": "乙台",
                "text": MECHANISM_TEXT,
            },
        ]
    )
    examples = training.archive_examples("media-convergence", archive)
    assert [(e.category, e.source) for e in examples] == [("mechanism", "archive")]


@pytest.mark.slow
def test_evaluate_and_card(tmp_path):
    examples = training.training_examples("smart-network-services")
    card = training.evaluate(examples)
    n = sum(map(sum, card["cv_confusion"]))
    assert n == len(examples) == card["examples"]
    assert 0 <= card["cv_accuracy"] <= 1 and 0 <= card["held_out_accuracy"] <= 1
    text = training.render_card(
        {"command": "screening train", "sklearn": "x", "trained": "today"},
        [{"family": "smart-network-services", "model": "m", "sources": {}, **card}],
    )
    assert "cross-validated accuracy" in text and "| av-consumption |" in text


def test_declaration_line_in_the_text_is_the_declared_category_but_not_content(monkeypatch):
    _threshold(monkeypatch, 0.0)
    text = "申报类别：融合生产传播\n" + MECHANISM_TEXT
    result = category.run(_ctx(text, "nrta-2025-media-convergence", None))
    assert result.measurement["declared"] == "融合生产传播" and result.measurement["declared_in"] == "材料中填写的类别"
    [finding] = result.findings
    assert finding.message.startswith("材料中填写的类别为“融合生产传播”")
    assert all("申报类别" not in span.text for span in finding.evidence)
    # the declaration line does not move the content score
    plain = {
        r["id"]: r["probability"] for r in category.suggest(MECHANISM_TEXT, get_campaign("nrta-2025-media-convergence"))
    }
    declared = {r["id"]: r["probability"] for r in category.suggest(text, get_campaign("nrta-2025-media-convergence"))}
    assert plain == declared


def test_declared_in_text_ignores_names_the_call_does_not_have():
    campaign = get_campaign("nrta-2025-media-convergence")
    assert category.declared_in_text("类别：智慧家庭新场景\n正文", campaign) == (None, None)
    cat, span = category.declared_in_text("案例名称：甲\n征集类别：体制机制改革\n正文", campaign)
    assert cat.id == "mechanism" and span[0] > 0


def test_choose_threshold_is_the_lowest_cut_that_holds_precision_above_it():
    confidence = np.array([0.95, 0.9, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5, 0.45])
    correct = np.array([1, 1, 1, 1, 1, 1, 0, 1, 0, 0], bool)
    assert training.choose_threshold(confidence, correct, target=0.95, min_support=3) == 0.75
    assert training.choose_threshold(confidence, ~correct, target=0.95, min_support=3) == 1.01


def _write_cases(folder, rows):
    folder.mkdir()
    lines = ["file,category"]
    for i, (text, label) in enumerate(rows):
        (folder / f"{i:03d}.txt").write_text("# source: generated\n" + text, encoding="utf-8")
        lines.append(f"{i:03d}.txt,{label}")
    (folder / "labels.csv").write_text("\n".join(lines), encoding="utf-8")
    (folder / "index.csv").write_text(
        "file,title\n" + "\n".join(f"{i:03d}.txt,单位{i % 7}：案例{i}" for i in range(len(rows))), encoding="utf-8"
    )


def test_labelled_cases_become_grouped_examples_without_their_metadata(tmp_path):
    _write_cases(
        tmp_path / "cases", [(SERVICES_TEXT, "综合信息服务"), (MECHANISM_TEXT, "体制机制改革"), (SERVICES_TEXT, "")]
    )
    examples = training.case_examples("media-convergence", tmp_path / "cases")
    assert [(e.category, e.source, e.group) for e in examples] == [
        ("information-services", "cases", "单位0"),
        ("mechanism", "cases", "单位1"),
    ]
    assert not examples[0].text.startswith("#")
    assert training.case_examples("smart-network-services", tmp_path / "cases") == []
    assert training.case_examples("media-convergence", tmp_path / "absent") == []


def _generated_cases(n_per_class=6):
    import random

    rng = random.Random(1)
    pools = {
        "综合信息服务": SERVICES_TEXT.split("\n"),
        "创新发展机制": MECHANISM_TEXT.split("\n"),
        "融合生产传播": [
            "台里策划主题宣传短视频，全网播放量超过两亿次。",
            "大小屏联动直播节目打造爆款栏目品牌。",
            "中央厨房统一采编，融媒体产品多平台分发。",
        ],
        "新媒体平台建设": [
            "自主可控客户端下载量突破三百万，日活用户稳定增长。",
            "运营账号矩阵，粉丝总量达到八百万。",
            "汇聚全省资源建设省级新媒体技术平台和内容中台。",
        ],
    }
    return [("\n".join(rng.sample(lines, 2)), label) for label, lines in pools.items() for _ in range(n_per_class)]


@pytest.mark.slow
def test_grouped_evaluation_keeps_groups_apart_and_reports_baselines(tmp_path):
    _write_cases(tmp_path / "cases", _generated_cases())
    base = training.corpus_examples("media-convergence") + training.rulebook_examples("media-convergence")
    labelled = training.case_examples("media-convergence", tmp_path / "cases")
    scores = training.grouped_evaluation(base, labelled, folds=3, inner_folds=2)
    assert scores["n"] == len(labelled) == 24 and sum(map(sum, scores["confusion"])) == 24
    assert 0 <= scores["majority_top1"] <= 0.5 and 0 <= scores["zero_shot_top1"] <= 1
    assert scores["top1"] > scores["majority_top1"]  # these generated texts are easy; a broken model would not beat it
    assert scores["confident_correct"] <= scores["confident"] <= 24
    assert all(0.25 <= t <= 1.01 for t in scores["thresholds"])


def test_saved_model_keeps_only_words_seen_twice_and_no_pickles(tmp_path):
    examples = training.training_examples("smart-network-services")
    examples.append(training.Example("这是只出现一次的独一无二测试词语。", examples[0].category, "cases"))
    model = training.fit(examples)
    model.save(tmp_path, "family")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["family.json", "family.npz"]
    header = json.loads((tmp_path / "family.json").read_text(encoding="utf-8"))
    assert "独一无二" not in header["vocabulary"] and "独一无二" not in " ".join(header["vocabulary"])
    with np.load(tmp_path / "family.npz", allow_pickle=False) as arrays:  # plain arrays: loads without pickle
        assert sorted(arrays.files) == ["idf", "intercept", "weights"]
    loaded = category.LexicalModel.load(tmp_path, "family")
    assert loaded.classes == model.classes and loaded.vocabulary == model.vocabulary
    assert np.array_equal(loaded.predict_proba([SERVICES_TEXT]), model.predict_proba([SERVICES_TEXT]))


@pytest.mark.parametrize("n_classes", [2, 4])
def test_arrays_score_exactly_as_scikit_learn(n_classes):
    everything = training.training_examples("media-convergence")
    kept = sorted({e.category for e in everything})[:n_classes]
    examples = [e for e in everything if e.category in kept]
    pipeline = training.sklearn_pipeline().fit(
        [training._words(e.text) for e in examples], [e.category for e in examples]
    )
    model = training.to_arrays(pipeline)
    texts = [SERVICES_TEXT, MECHANISM_TEXT, "客户端", "没有任何已知词语的句子ＸＹＺ", ""]
    expected = pipeline.predict_proba([training._words(t) for t in texts])
    assert model.classes == tuple(pipeline.classes_) and len(model.classes) == n_classes
    np.testing.assert_allclose(model.predict_proba(texts), expected, rtol=0, atol=1e-12)


def test_scoring_imports_neither_scikit_learn_nor_joblib():
    code = (
        "import sys\n"
        "from screening import category\n"
        "from screening.campaigns import get_campaign\n"
        "ranked = category.suggest('融媒体中心开发便民服务小程序，接入社保查询。', get_campaign('nrta-2025-media-convergence'))\n"
        "assert ranked[0]['probability'] > 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'joblib', 'scipy'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def _services_with_models_in(folder):
    return Services(settings=dataclasses.replace(DEFAULTS, shipped_model_dir=folder))


def test_model_is_read_from_the_services_model_folder(tmp_path):
    folder = tmp_path / "category"
    model = training.fit(training.training_examples("media-convergence"), confident=0.77)
    model.save(folder, "media-convergence")
    ctx = _ctx(SERVICES_TEXT, "nrta-2025-media-convergence", None)
    ctx.services = _services_with_models_in(tmp_path)
    result = category.run(ctx)
    assert result.measurement["warning_threshold"] == 0.77 and result.measurement["threshold"] == "learned"
    assert result.measurement["model"] == category.LEXICAL_LABEL and result.degraded == []  # no head: not degraded


def test_missing_model_file_is_fitted_on_first_use_and_says_so(tmp_path):
    ctx = _ctx(SERVICES_TEXT, "nrta-2025-media-convergence", "综合信息服务")
    ctx.services = _services_with_models_in(tmp_path)  # no category models here
    result = category.run(ctx)
    assert result.measurement["degraded"] is True and result.measurement["threshold"] == "fixed"
    assert result.measurement["warning_threshold"] == category.CONFIDENT
    assert result.degraded and "screening train" in result.degraded[0]
    assert result.measurement["ranked"][0]["id"] == "information-services"


def test_model_file_of_another_format_is_not_used(tmp_path):
    folder = tmp_path / "category"
    training.fit(training.training_examples("media-convergence"), confident=0.77).save(folder, "media-convergence")
    header = json.loads((folder / "media-convergence.json").read_text(encoding="utf-8"))
    header["format"] = "something-else/9"
    (folder / "media-convergence.json").write_text(json.dumps(header), encoding="utf-8")
    ctx = _ctx(SERVICES_TEXT, "nrta-2025-media-convergence", None)
    ctx.services = _services_with_models_in(tmp_path)
    result = category.run(ctx)
    assert result.measurement["degraded"] is True and result.measurement["warning_threshold"] == category.CONFIDENT


@pytest.mark.slow
def test_train_with_labelled_cases_ships_a_model_with_its_learned_threshold(tmp_path):
    from typer.testing import CliRunner

    from screening.cli.train import app

    _write_cases(tmp_path / "cases", _generated_cases(n_per_class=4))
    out = tmp_path / "models"
    result = CliRunner().invoke(app, ["--no-archive", "--cases", str(tmp_path / "cases"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    model = category.LexicalModel.load(out, "media-convergence")
    assert model.meta["sources"]["cases"] == 16
    assert model.confident is None or 0.25 <= model.confident <= 1.01
    # no labelled cases for that family
    assert category.LexicalModel.load(out, "smart-network-services").confident is None
    assert not list(out.glob("*.joblib"))
    card = (out / "CARD.md").read_text(encoding="utf-8")
    assert f"screening train --no-archive --cases {tmp_path / 'cases'}" in card
    assert "labelled write-ups, grouped CV (by unit" in card


def test_train_refuses_a_cases_folder_without_labels(tmp_path):
    from typer.testing import CliRunner

    from screening.cli.train import app

    result = CliRunner().invoke(app, ["--cases", str(tmp_path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "labels.csv" in result.output
    assert not (tmp_path / "m").exists()


# --- the embedding head -------------------------------------------------------------------------------------------

CUE_CHARS = "服务政务民生社保缴费架构改革考核激励人才"  # one dimension per character: a tiny, readable "embedding"


class CharEmbedder:
    """A stand-in for the static embedding, built in code: a text's vector counts a few cue characters (plus one
    constant dimension), normalised. Same interface as ``screening.embeddings`` embedders; records what it encoded."""

    name = "multilingual-e5-small-static"
    dim = len(CUE_CHARS) + 1

    def __init__(self):
        self.encoded: list[str] = []

    def encode(self, texts, **_):
        self.encoded += texts
        rows = np.array([[t.count(c) for c in CUE_CHARS] + [1.0] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _model_with_head(confident=0.9):
    examples = training.training_examples("media-convergence")
    return training.fit(examples, confident=confident, embedder=CharEmbedder(), head_c=100.0)


def test_head_scores_as_scikit_learn_and_survives_save_and_load(tmp_path):
    from sklearn.linear_model import LogisticRegression

    examples = training.training_examples("media-convergence")
    embedder = CharEmbedder()
    model = _model_with_head()
    assert model.head is not None and model.head.embedding == CharEmbedder.name
    vectors = training.vectors(embedder, [e.text for e in examples])
    reference = LogisticRegression(C=100.0, max_iter=5000).fit(vectors, [e.category for e in examples])
    probe = training.vectors(embedder, [SERVICES_TEXT, MECHANISM_TEXT])
    np.testing.assert_allclose(
        np.array([model.head.proba(v) for v in probe]), reference.predict_proba(probe), rtol=0, atol=1e-6
    )
    model.save(tmp_path, "family")
    with np.load(tmp_path / "family.npz", allow_pickle=False) as arrays:
        assert sorted(arrays.files) == ["head_intercept", "head_weights", "idf", "intercept", "weights"]
    loaded = category.LexicalModel.load(tmp_path, "family")
    assert loaded.head.embedding == CharEmbedder.name and loaded.confident == 0.9
    np.testing.assert_array_equal(loaded.head.weights, model.head.weights)


def test_combined_probabilities_are_the_normalised_geometric_mean():
    words, head = np.array([0.7, 0.2, 0.1]), np.array([0.1, 0.8, 0.1])
    joint = category.combine(words, head)
    assert joint.sum() == pytest.approx(1.0) and joint.argmax() == 1
    assert joint[1] / joint[0] == pytest.approx(np.sqrt(0.2 * 0.8 / (0.7 * 0.1)))


def test_document_vector_reads_paragraphs_without_the_declaration_line():
    embedder = CharEmbedder()
    doc = Document(text="申报类别：综合信息服务\n" + MECHANISM_TEXT, blocks=[], sections=[], format="txt")
    vector = category.document_vector(embedder, doc)
    assert vector.shape == (CharEmbedder.dim,) and np.linalg.norm(vector) == pytest.approx(1.0)
    assert len(embedder.encoded) == len(MECHANISM_TEXT.split("\n"))  # the blanked declaration line is not read
    assert all("申报类别" not in t for t in embedder.encoded)


def test_run_with_the_embedding_uses_the_head_and_its_threshold(tmp_path):
    _model_with_head().save(tmp_path / "category", "media-convergence")
    ctx = _ctx(SERVICES_TEXT, "nrta-2025-media-convergence", None)
    ctx.services = dataclasses.replace(_services_with_models_in(tmp_path), embedders=Embedders(category=CharEmbedder()))
    result = category.run(ctx)
    assert result.measurement["model"] == category.MODEL_LABEL and result.measurement["warning_threshold"] == 0.9
    assert result.degraded == [] and result.measurement["degraded"] is False
    assert all(0 <= r["words_probability"] <= 1 for r in result.measurement["ranked"])
    words_only = {
        r["id"]: r["probability"]
        for r in category.suggest(SERVICES_TEXT, ctx.campaign, model_dir=tmp_path / "category")
    }
    combined = {r["id"]: r["probability"] for r in result.measurement["ranked"]}
    assert combined != words_only  # the head moved the probabilities


def test_run_without_the_embedding_is_words_only_and_says_so(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(category, "_warned", set())
    _model_with_head().save(tmp_path / "category", "media-convergence")
    ctx = _ctx(SERVICES_TEXT, "nrta-2025-media-convergence", None)
    ctx.services = _services_with_models_in(tmp_path)  # bare service: no embedder
    result = category.run(ctx)
    assert result.measurement["model"] == category.LEXICAL_LABEL and result.measurement["warning_threshold"] == 0.9
    assert result.measurement["degraded"] is True
    [note] = result.degraded
    assert "语义向量" in note and "字词" in note
    assert any("without its embedding head" in r.getMessage() for r in caplog.records)


def test_disputed_write_ups_become_half_weight_votes(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "000.txt").write_text("# source: generated\n" + SERVICES_TEXT, encoding="utf-8")
    (folder / "001.txt").write_text(MECHANISM_TEXT, encoding="utf-8")
    (folder / "labels.csv").write_text(
        "file,category,category_A,category_B\n000.txt,,综合信息服务,新媒体平台建设\n001.txt,体制机制改革,体制机制改革,体制机制改革\n",
        encoding="utf-8",
    )
    (folder / "index.csv").write_text("file,title\n000.txt,甲台：案例\n001.txt,乙台：案例\n", encoding="utf-8")
    soft = training.disputed_examples("media-convergence", folder)
    assert [(e.category, e.source, e.weight, e.group) for e in soft] == [
        ("information-services", "soft", 0.5, "甲台"),
        ("new-media-platform", "soft", 0.5, "甲台"),
    ]
    assert not soft[0].text.startswith("#")
    assert [e.category for e in training.case_examples("media-convergence", folder)] == ["mechanism"]


def test_with_the_head_a_warning_needs_the_words_sure_of_the_same_top_category():
    def ranked(*pairs):
        return [{"id": i, "probability": p, "words_probability": w} for i, p, w in pairs]

    agree = ranked(("a", 0.9, 0.8), ("b", 0.1, 0.2))
    assert category._confident(agree[0], agree, 0.75)
    assert not category._confident(agree[0], agree, 0.85)  # the words are not sure enough
    disagree = ranked(("a", 0.6, 0.3), ("b", 0.4, 0.7))  # the head moved "a" first; the words prefer "b"
    assert not category._confident(disagree[0], disagree, 0.25)
    words_only = [{"id": "a", "probability": 0.8}, {"id": "b", "probability": 0.2}]
    assert category._confident(words_only[0], words_only, 0.75)
