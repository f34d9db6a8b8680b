"""The learned element matcher: features read prose, decisions follow the probability, the service falls back loudly.

Texts are written in code (tests/checks/materials.py and below). The shipped model is tried on them only where the
static embedding is built (``make embedding-model``), as ``make test`` does.
"""

import json

import numpy as np
import pytest

from screening.checks import element_model
from screening.checks.element_model import (
    AGGREGATES,
    BASE_FEATURES,
    FEATURES,
    MODEL_PATH,
    PARAGRAPH_FEATURES,
    ROLES,
    aggregate,
    is_structured,
    model_from_dict,
)
from screening.checks.elements import match_elements
from screening.embeddings import STATIC_NAME, get_embedder, model_path

from .helpers import codes
from .materials import CATEGORY, material

MARKERS = FEATURES.index("markers")


class _MarkerEmbedder:
    """Stands in for the static embedding: a text's vector says which of a few marker words it contains."""

    name = STATIC_NAME
    markers = ("问题", "做法", "成效", "下一步", "推广", "情况")

    def encode(self, texts):
        rows = np.array([[1.0 + (m in t) * 5 for m in self.markers] for t in texts])
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _marker_model(t_error=0.2, t_covered=0.5) -> element_model.ElementModel:
    """A hand-set model: an element is covered when sentences carry its markers (probability 0.5 at one marker)."""
    coef = np.zeros(len(FEATURES))
    coef[MARKERS] = 6.0
    role = {
        "coef": coef.tolist(),
        "intercept": -6.0 * np.log1p(1),
        "mean": [0.0] * len(FEATURES),
        "scale": [1.0] * len(FEATURES),
        "t_error": t_error,
        "t_covered": t_covered,
        "t_error_structured": t_error,
        "t_covered_structured": t_covered,
    }
    return model_from_dict(
        {"features": list(FEATURES), "embedding": STATIC_NAME, "roles": {r: role for r in set(ROLES.values())}}
    )


def _features(campaign, doc, embedder=None):
    elements = campaign.category(CATEGORY).elements
    matched = match_elements(doc, elements, embedder=embedder)
    return {f.element_id: f for f in element_model.features(doc, elements, embedder, matched)}


def test_markers_are_counted_in_prose_and_vanish_with_the_section(campaign):
    full = _features(campaign, material(headings="none"))
    cut = _features(campaign, material(headings="none", drop="problems"))
    assert full["problems"].values[MARKERS] > cut["problems"].values[MARKERS]
    assert full["problems"].values[FEATURES.index("heading")] == 0.0  # prose: no heading evidence


def test_decided_by_points_at_the_sentences_that_carry_the_element(campaign):
    doc = material(headings="none")
    sentences = _features(campaign, doc, _MarkerEmbedder())["problems"].sentences
    assert sentences and any("问题" in doc.text[s["start"] : s["end"]] for s in sentences)


def test_structure_feature_sees_notice_headings_for_the_other_elements(campaign):
    headed = _features(campaign, material(headings="notice", drop="problems"))["problems"].values
    prose = _features(campaign, material(headings="none", drop="problems"))["problems"].values
    assert is_structured(headed) and not is_structured(prose)


@pytest.mark.parametrize(("markers", "expected"), [(0, "missing"), (1, "covered"), (3, "covered")])
def test_status_follows_probability_and_thresholds(markers, expected):
    model = _marker_model()
    values = np.zeros(len(BASE_FEATURES))
    values[MARKERS] = np.log1p(markers)
    item = element_model.ElementFeatures("problems", values, [])
    (decision,) = element_model.decide(model, [item]).values()
    assert decision["status"] == expected
    assert 0.0 <= decision["probability"] <= 1.0


def test_unsure_probability_is_a_warning_not_an_error():
    model = _marker_model(t_error=0.05, t_covered=0.9)
    values = np.zeros(len(BASE_FEATURES))
    values[MARKERS] = np.log1p(1)  # probability 0.5: between the thresholds
    (decision,) = element_model.decide(model, [element_model.ElementFeatures("results", values, [])]).values()
    assert decision["status"] == "weak" and decision["probability"] == pytest.approx(0.5, abs=0.01)


def test_service_uses_the_model_and_reports_probability_and_sentences(run_checks, monkeypatch):
    monkeypatch.setattr(element_model, "load", lambda _path: _marker_model())
    ctx = run_checks(material(headings="none", drop="problems"), options={"embedder": _MarkerEmbedder()})
    result = ctx.results["elements"]
    assert result.measurement["matcher"] == "model" and result.degraded == []
    reports = {e["id"]: e for e in result.measurement["elements"]}
    assert all("probability" in r and "decided_by" in r for r in reports.values())
    assert reports["problems"]["status"] == "missing"
    (finding,) = [f for f in result.findings if f.code == "elements.missing"]
    assert "问题困难及破解办法" in finding.message and "概率" in finding.message and finding.severity == "error"


def test_fully_notice_headed_material_keeps_the_missing_error(run_checks, monkeypatch):
    """Every other element under its notice heading, this one absent: an unsure model does not soften the error."""
    monkeypatch.setattr(element_model, "load", lambda _path: _marker_model(t_error=0.0, t_covered=0.999))
    result = run_checks(material(headings="notice", drop="problems"), options={"embedder": _MarkerEmbedder()}).results[
        "elements"
    ]
    assert codes(result, "error") == ["elements.missing"]
    prose = run_checks(material(headings="none", drop="problems"), options={"embedder": _MarkerEmbedder()}).results[
        "elements"
    ]
    assert codes(prose, "error") == []  # no structure to lean on: the unsure model only warns


def test_notice_heading_still_decides_covered(run_checks, monkeypatch):
    monkeypatch.setattr(element_model, "load", lambda _path: _marker_model(t_error=0.99, t_covered=0.999))
    result = run_checks(material(headings="notice"), options={"embedder": _MarkerEmbedder()}).results["elements"]
    assert {e["status"] for e in result.measurement["elements"]} == {"covered"}
    assert codes(result, "error") == []


def test_without_the_model_file_the_cue_matcher_runs_and_says_so(run_checks, monkeypatch, tmp_path):
    assert element_model.load(tmp_path / "absent.json") is None
    monkeypatch.setattr(element_model, "load", lambda _path: None)
    result = run_checks(material(headings="notice", drop="problems"), options={"embedder": _MarkerEmbedder()}).results[
        "elements"
    ]
    assert result.measurement["matcher"] == "cues"
    assert any("关键词" in note for note in result.degraded)
    assert "elements.missing" in codes(result, "error")


def test_model_for_another_embedding_is_not_used(run_checks, monkeypatch):
    monkeypatch.setattr(element_model, "load", lambda _path: _marker_model())
    other = _MarkerEmbedder()
    other.name = "some-other-model"
    result = run_checks(material(headings="none"), options={"embedder": other}).results["elements"]
    assert result.measurement["matcher"] == "cues" and result.degraded


# --- the paragraph stage ---------------------------------------------------------------------------------------------


def test_paragraph_table_has_a_row_per_paragraph_and_marks_the_opening(campaign):
    found = _features(campaign, material(headings="none"))
    table, opening = found["problems"].paragraphs, found["problems"].opening
    assert table.shape[1] == len(PARAGRAPH_FEATURES) and table.shape[0] >= 6
    assert opening is not None and table[:, PARAGRAPH_FEATURES.index("opening")].tolist().count(1.0) == 1
    assert table[opening, PARAGRAPH_FEATURES.index("opening")] == 1.0
    positions = table[:, PARAGRAPH_FEATURES.index("position")]
    assert (np.diff(positions) > 0).all() and 0.0 <= positions[0] < positions[-1] < 1.0
    markers = table[:, PARAGRAPH_FEATURES.index("markers")]
    cut = _features(campaign, material(headings="none", drop="problems"))["problems"].paragraphs
    assert markers.max() > 0 and cut.shape[0] == table.shape[0] - 1


def test_aggregate_sums_up_paragraph_probabilities():
    values = aggregate(np.array([0.2, 0.9, 0.6, 0.1]), opening=0)
    expected = [0.9, 0.75, np.log1p(1.8), 0.2, np.log1p(2)]
    assert values == pytest.approx(expected)
    assert aggregate(None, None).tolist() == [0.0] * len(AGGREGATES)
    assert aggregate(np.zeros(0), None).tolist() == [0.0] * len(AGGREGATES)


def _paragraph_model() -> element_model.ElementModel:
    """Paragraphs with marked sentences belong to the element; the document model reads only the best paragraph."""
    coef = np.zeros(len(FEATURES))
    coef[FEATURES.index("paragraph_max")] = 20.0
    role = {
        "coef": coef.tolist(),
        "intercept": -10.0,
        "mean": [0.0] * len(FEATURES),
        "scale": [1.0] * len(FEATURES),
        "t_error": 0.2,
        "t_covered": 0.5,
        "t_error_structured": 0.2,
        "t_covered_structured": 0.5,
    }
    paragraph_coef = np.zeros(len(PARAGRAPH_FEATURES))
    paragraph_coef[PARAGRAPH_FEATURES.index("markers")] = 10.0
    paragraph = {
        "coef": paragraph_coef.tolist(),
        "intercept": -4.0,
        "mean": [0.0] * len(PARAGRAPH_FEATURES),
        "scale": [1.0] * len(PARAGRAPH_FEATURES),
    }
    roles = set(ROLES.values())
    return model_from_dict(
        {
            "features": list(FEATURES),
            "embedding": STATIC_NAME,
            "roles": {r: role for r in roles},
            "paragraphs": {r: paragraph if r == "problems" else None for r in roles},
        }
    )


def test_paragraph_stage_decides_through_the_document_model(campaign):
    model = _paragraph_model()
    full = element_model.decide(model, list(_features(campaign, material(headings="none")).values()))
    cut = element_model.decide(model, list(_features(campaign, material(headings="none", drop="problems")).values()))
    assert full["problems"]["status"] == "covered" and full["problems"]["probability"] > 0.9
    assert cut["problems"]["probability"] < full["problems"]["probability"]
    assert full["results"]["status"] == "missing"  # no paragraph model for the role: its summary is zeros


def test_a_role_without_paragraph_model_sums_up_zeros(campaign):
    model = _paragraph_model()
    item = _features(campaign, material(headings="none"))["results"]
    assert model.vector(item)[len(BASE_FEATURES) :].tolist() == [0.0] * len(AGGREGATES)
    assert model.vector(item)[: len(BASE_FEATURES)].tolist() == item.values.tolist()


def test_unreadable_model_file_is_none(tmp_path):
    broken = tmp_path / "model.json"
    broken.write_text(json.dumps({"features": ["something", "else"], "embedding": STATIC_NAME, "roles": {}}))
    assert element_model.load(broken) is None


# --- the shipped model ----------------------------------------------------------------------------------------------

_HAVE_STATIC = (model_path(name=STATIC_NAME) / "modules.json").exists()


def test_shipped_model_holds_numbers_not_text():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    strings = []

    def walk(value):
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data)
    assert not [s for s in strings if any("\u4e00" <= ch <= "\u9fff" for ch in s)]
    assert element_model.load() is not None and element_model.load().covers([type("E", (), {"id": i})() for i in ROLES])


def test_shipped_thresholds_come_from_the_recorded_rule_and_keep_errors_below_warnings():
    """The file says which share of absences its ``t_covered`` flags (chosen inside the training set), and every
    role's error threshold sits at or below its warning threshold, for both kinds of material."""
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    kind, share = data["rule"]
    assert kind == "share" and 0.5 < share < 1.0
    for thresholds in data["roles"].values():
        for suffix in ("", "_structured"):
            assert 0.0 <= thresholds["t_error" + suffix] <= thresholds["t_covered" + suffix] < 1.0


@pytest.mark.skipif(not _HAVE_STATIC, reason="static embedding not built (make embedding-model)")
@pytest.mark.slow
def test_shipped_model_reads_a_complete_material_without_headings(run_checks):
    embedder = get_embedder(name=STATIC_NAME)
    result = run_checks(material(headings="none"), options={"embedder": embedder}).results["elements"]
    assert result.measurement["matcher"] == "model"
    assert codes(result, "error") == []


@pytest.mark.skipif(not _HAVE_STATIC, reason="static embedding not built (make embedding-model)")
def test_shipped_model_flags_a_section_cut_from_a_notice_headed_material(run_checks):
    embedder = get_embedder(name=STATIC_NAME)
    result = run_checks(material(headings="notice", drop="problems"), options={"embedder": embedder})
    report = next(e for e in result.results["elements"].measurement["elements"] if e["id"] == "problems")
    assert report["status"] == "missing" and report["probability"] < 0.5
    assert codes(result.results["elements"], "error") == ["elements.missing"]


@pytest.mark.skipif(not _HAVE_STATIC, reason="static embedding not built (make embedding-model)")
def test_shipped_model_flags_a_section_cut_from_prose(run_checks):
    embedder = get_embedder(name=STATIC_NAME)
    result = run_checks(material(headings="none", drop="problems"), options={"embedder": embedder})
    report = next(e for e in result.results["elements"].measurement["elements"] if e["id"] == "problems")
    assert report["status"] != "covered" and report["decided_by"] is not None
