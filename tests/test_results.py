"""Typed report blocks (``screening.results``, schema ``screening.report/2``): every key the checks produce is declared
by a model, the JSON reads back into the same report, the declared and the suggested category are separate fields,
and reports stored as ``screening.report/1`` still load."""

import pytest
from pydantic import BaseModel

from screening import db
from screening.archive import Archive
from screening.campaigns import get_campaign
from screening.checks.base import ScreenInputs
from screening.config import DEFAULTS
from screening.documents import from_text
from screening.documents.model import ScanInfo
from screening.embeddings import STATIC_NAME, Embedders, model_path
from screening.pipeline import screen
from screening.report import BLOCK_FIELDS, SCHEMA, Report
from screening.results import BLOCKS
from screening.services import Services
from tests.checks.materials import CAMPAIGN, CATEGORY, material_text


def undeclared(model: BaseModel, path: str = "report") -> list[str]:
    """The keys anywhere in ``model`` that its model class does not declare (kept by ``extra="allow"``)."""
    found = [f"{path}.{key}" for key in model.model_extra or {}]
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
        found += [k for item in items if isinstance(item, BaseModel) for k in undeclared(item, f"{path}.{name}")]
    return found


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """A report in which every block has something to say: over the limit, a claim without data, a plan, a stored
    copy in the archive, a second version with a changed figure, OCR'd pages and a seal."""
    text = "本平台拟于明年上线新功能。\n" + material_text(filler_chars=5200) + "\n节目播出后反响热烈。"
    archive = Archive(db.get_engine(f"sqlite:///{tmp_path_factory.mktemp('results') / 'archive.db'}"), seed=False)
    archive.import_rows(
        [
            {
                "year": "2024",
                "campaign": "全国广播电视媒体融合典型案例",
                "category": CATEGORY,
                "case_name": "某市客户端",
                "unit": "某市广播电视台",
                "province": "浙江",
                "text": text,
            }
        ],
        default_source="测试",
    )
    services = Services(use_archive=True)
    services.__dict__["archive"] = archive  # this test's archive, not the settings' database
    document = from_text(text, filename="材料.pdf", format="txt")
    document.format = "pdf"
    document.scan = ScanInfo(
        ocr_pages=[{"page": 1, "confidence": 52.0, "chars": 400}],
        ocr_engine="tesseract",
        seal_pages=[1],
        seals=[{"page": 1, "bbox": [10, 20, 110, 120], "rim_coverage": 0.9}],
    )
    companion = from_text(text.replace("42%", "24%"), filename="材料.docx")
    inputs = ScreenInputs(companion=companion, submitted_on=get_campaign(CAMPAIGN).dates.deadline)
    return screen(document, get_campaign(CAMPAIGN), services=services, inputs=inputs, category=CATEGORY).report


def test_every_block_is_filled_and_every_key_declared(full):
    assert [field for field in BLOCK_FIELDS if getattr(full, field) is None] == []
    assert undeclared(full) == []
    assert full.length.crossing is not None and full.length.crossing.start <= full.length.crossing.offset
    assert {e.status for e in full.elements.elements} <= {"covered", "weak", "missing"}
    assert full.quantities.dimensions and full.quantities.mentions
    assert [c.supported for c in full.claims.subjective if c.phrase == "反响热烈"] == [False]
    assert [p.word for p in full.claims.plan_like] == ["拟于"]
    assert full.duplicates.matches[0].record.case_name == "某市客户端"
    assert full.consistency.differences[0].kind == "number_changed"
    assert full.scan.seals[0].rim_coverage == 0.9 and full.scan.ocr_pages[0].confidence == 52.0
    ranked = full.category_suggestion.ranked
    assert full.category_suggestion.top == ranked[0] and sum(r.probability for r in ranked) == pytest.approx(
        1, abs=0.01
    )


def test_declared_and_suggested_category_are_separate(full):
    data = full.to_json_dict()
    assert data["schema"] == SCHEMA == "screening.report/2"
    assert data["declared_category"] == CATEGORY and "category" not in data
    assert data["category_suggestion"]["declared"] == CATEGORY and data["category_suggestion"]["ranked"]
    assert data["eligibility"]["deadline"] == get_campaign(CAMPAIGN).dates.deadline.isoformat()


def test_json_reads_back_into_the_same_report(full):
    assert Report.model_validate(full.to_json_dict()) == full


def test_absent_blocks_are_left_out_of_the_json():
    report = screen(from_text(material_text()), get_campaign(CAMPAIGN), category=CATEGORY).report
    data = report.to_json_dict()
    assert report.scan is None and report.consistency is None
    assert "scan" not in data and "consistency" not in data and "length" in data


def as_v1(report: Report) -> dict:
    """The report in the shape schema /1 stored: ``category`` the declared string, blocks under ``measurements``."""
    data = report.model_dump(mode="json", by_alias=True)
    fields = {field: check for check, (field, _) in BLOCKS.items()}
    measurements = {fields[f]: data.pop(f) for f in BLOCK_FIELDS if data.get(f) is not None}
    for f in BLOCK_FIELDS:
        data.pop(f, None)
    data["category"] = data.pop("declared_category")
    return {**data, "schema": "screening.report/1", "measurements": measurements}


def test_a_stored_v1_report_loads_as_v2(full):
    stored = as_v1(full)
    assert Report.model_validate(stored) == full
    public = {**{k: v for k, v in stored.items() if k != "measurements"}, **stored["measurements"]}  # /1's JSON
    loaded = Report.model_validate(public)  # its category block had overwritten the declared string
    assert loaded.declared_category is None and loaded.category_suggestion == full.category_suggestion


def test_a_v1_block_that_no_longer_fits_is_dropped_not_fatal(full):
    stored = as_v1(full)
    stored["measurements"]["length"] = {"count": "很多"}
    loaded = Report.model_validate(stored)
    assert loaded.length is None and loaded.elements == full.elements


def test_new_code_cannot_pass_the_v1_category_field():
    with pytest.raises(ValueError):
        Report(document={"filename": "a.txt"}, category="融合生产传播")


@pytest.mark.skipif(not model_path(DEFAULTS.model_dir, name=STATIC_NAME).exists(), reason="static embedding not built")
def test_the_learned_element_matcher_block_is_declared():
    services = Services(embedders=Embedders.chosen(DEFAULTS.model_dir))
    report = screen(
        from_text(material_text(headings="none")), get_campaign(CAMPAIGN), services=services, category=CATEGORY
    ).report
    assert report.elements.matcher == "model"
    assert all(e.probability is not None and e.decided_by is not None for e in report.elements.elements)
    assert undeclared(report) == []
