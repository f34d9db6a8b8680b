"""The scan check (low OCR confidence, the required seal) and Word ↔ PDF consistency, on documents built in code."""

from screening.campaigns import get_campaign
from screening.checks import consistency as consistency_check
from screening.checks import scan as scan_check
from screening.checks.base import CheckContext, ScreenInputs
from screening.consistency import compare, fold
from screening.documents import from_text
from screening.documents.model import ScanInfo

JILIN = "jilin-2024-media-convergence"
NATIONAL = "nrta-2025-media-convergence"
WORD_TEXT = (
    "一、总体情况\n本台建成融媒体指挥调度平台，打通策划、采集、编辑、发布全流程。\n"
    "截至2023年底，客户端下载量达到126万次，日均活跃用户4.8万人，同比增长35%。\n"
    "二、创新做法\n我们组建了由42名骨干组成的专班，按周复盘传播数据，及时调整选题方向。\n"
    "项目总投入680万元，其中设备采购占45%，内容生产占30%。"
)


def _doc(text: str, *, fmt: str = "txt", scan: ScanInfo | None = None, name: str = ""):
    doc = from_text(text, filename=name)
    doc.format, doc.scan = fmt, scan
    return doc


def _run(check, doc, campaign=JILIN, **options):
    camp = get_campaign(campaign)
    ctx = CheckContext(
        document=doc, campaign=camp, material=camp.default_material, category=None, inputs=ScreenInputs(**options)
    )
    return check.run(ctx)


def _codes(result):
    return [f.code for f in result.findings]


def test_a_stamped_pdf_without_a_seal_gets_a_finding_citing_the_clause():
    result = _run(scan_check, _doc(WORD_TEXT, fmt="pdf", scan=ScanInfo(seal_pages=[1])))
    (finding,) = result.findings
    assert finding.code == "seal.missing" and finding.severity == "warning"
    assert finding.rule.startswith("吉广电明电〔2024〕38号") and "邮件格式要求" in finding.rule


def test_a_seal_found_means_no_seal_finding():
    seals = [{"page": 1, "bbox": [100, 100, 220, 220], "rim_coverage": 1.0}]
    assert _run(scan_check, _doc(WORD_TEXT, fmt="pdf", scan=ScanInfo(seal_pages=[1], seals=seals))).findings == []


def test_a_call_that_asks_for_no_stamp_gets_no_seal_finding():
    assert _run(scan_check, _doc(WORD_TEXT, fmt="pdf"), campaign=NATIONAL).findings == []


def test_a_word_file_is_reminded_of_the_stamped_scan_unless_the_scan_comes_along():
    assert _codes(_run(scan_check, _doc(WORD_TEXT, fmt="docx"))) == ["seal.scan_required"]
    stamped = _doc(WORD_TEXT, fmt="pdf", scan=ScanInfo(seal_pages=[1], seals=[{"page": 1, "bbox": [0, 0, 1, 1]}]))
    assert _run(scan_check, _doc(WORD_TEXT, fmt="docx"), companion=stamped).findings == []
    unstamped = _doc(WORD_TEXT, fmt="pdf", scan=ScanInfo(seal_pages=[1]))
    assert _codes(_run(scan_check, _doc(WORD_TEXT, fmt="docx"), companion=unstamped)) == ["seal.missing"]


def test_low_confidence_pages_are_flagged_and_all_ocr_pages_measured():
    scan = ScanInfo(
        ocr_pages=[{"page": 1, "confidence": 91.0, "chars": 500}, {"page": 2, "confidence": 41.5, "chars": 80}],
        seal_pages=[1, 2],
        seals=[{"page": 1, "bbox": [0, 0, 1, 1]}],
    )
    result = _run(scan_check, _doc(WORD_TEXT, fmt="pdf", scan=scan))
    assert _codes(result) == ["scan.low_confidence"]
    assert "第 2 页" in result.findings[0].message
    assert [p["page"] for p in result.measurement["ocr_pages"]] == [1, 2]


def _ocr_like(text: str) -> str:
    """What OCR does to a clean scan: spaces, half-width commas, a letter o for a zero, lines broken differently."""
    return text.replace("，", " , ").replace("680", "68o").replace("。", "。\n", 1)


def test_ocr_noise_is_not_a_difference():
    comparison = compare(_doc(WORD_TEXT), _doc(_ocr_like(WORD_TEXT)))
    assert comparison.consistent, comparison.differences
    assert fold("68o万元 ，") == "680万元,"


def test_a_changed_figure_is_reported_side_by_side():
    comparison = compare(_doc(WORD_TEXT), _doc(_ocr_like(WORD_TEXT.replace("126万次", "162万次"))))
    (difference,) = comparison.differences
    assert difference.kind == "number_changed"
    assert "126万次" in difference.a["text"] and "162万次" in difference.b["text"]
    assert "1260000次" in difference.figures_a and "1620000次" in difference.figures_b


def test_a_missing_paragraph_is_reported_with_its_text():
    dropped = WORD_TEXT.replace("我们组建了由42名骨干组成的专班，按周复盘传播数据，及时调整选题方向。\n", "")
    comparison = compare(_doc(WORD_TEXT), _doc(dropped))
    (difference,) = comparison.differences
    assert difference.kind == "missing_in_b" and "42名骨干" in difference.a["text"]
    word = _doc(WORD_TEXT)
    assert word.text[difference.a["start"] : difference.a["end"]] == difference.a["text"]


def test_the_consistency_check_warns_with_both_versions_named():
    word = _doc(WORD_TEXT, fmt="docx", name="材料.docx")
    scan = _doc(
        WORD_TEXT.replace("45%", "54%"),
        fmt="pdf",
        scan=ScanInfo(ocr_pages=[{"page": 1, "confidence": 90, "chars": 9}]),
        name="材料.pdf",
    )
    result = _run(consistency_check, word, companion=scan)
    (finding,) = result.findings
    assert finding.code == "consistency.number_changed" and finding.severity == "warning"
    assert "Word 版（材料.docx）" in finding.message and "扫描 PDF 版（材料.pdf）" in finding.message
    assert result.measurement["consistent"] is False
    assert _run(consistency_check, word).findings == []


def test_cli_pairs_same_stem_files_and_screens_the_word_version(tmp_path):
    from pathlib import Path

    from screening.cli.check import version_groups

    files = [Path("甲.pdf"), Path("甲.docx"), Path("乙.docx"), Path("丙.pdf")]
    assert version_groups(files) == [(Path("甲.docx"), Path("甲.pdf")), (Path("乙.docx"), None), (Path("丙.pdf"), None)]
    assert version_groups([Path("扫描.pdf"), Path("原文.docx")], pair=True) == [(Path("原文.docx"), Path("扫描.pdf"))]


def test_batch_pairs_word_and_pdf_of_one_material_into_one_row():
    from screening.batch.sources import Source, pair_versions

    paired = pair_versions(
        [
            Source("甲 案例.docx", b"w"),
            Source("乙.pdf", b"p"),
            Source("甲案例.PDF", b"s"),
            Source("丙.pdf", b"c"),
            Source("丙.txt", b"t"),
            Source("丙.docx", b"d"),
        ]
    )
    assert [(s.filename, s.companion.filename if s.companion else None) for s in paired] == [
        ("甲 案例.docx", "甲案例.PDF"),
        ("乙.pdf", None),
        ("丙.pdf", None),
        ("丙.txt", None),
        ("丙.docx", None),
    ]


def test_a_batch_screens_a_word_and_pdf_pair_once_and_compares_them(monkeypatch):
    from screening import pipeline
    from screening.batch import screen_sources
    from screening.batch.sources import Source
    from screening.services import Services
    from tests.factories import make_docx, make_pdf

    monkeypatch.setattr(pipeline, "later_steps", lambda: ())  # content checks only: no models needed here
    body = [
        "本台建成融媒体指挥调度平台，打通策划、采集、编辑、发布全流程。",
        "截至2023年底，客户端下载量达到126万次，日均活跃用户4.8万人，同比增长35%。",
    ]
    word = make_docx(title="融媒体平台建设", sections=[("一、总体情况", 1, body)])
    pdf = make_pdf(paragraphs=[("融媒体平台建设", 18), ("一、总体情况", 2), body[0], body[1].replace("35%", "53%")])
    sources = [Source("甲台.pdf", pdf), Source("甲台.docx", word), Source("乙台.pdf", b"%PDF-1.4 broken")]
    items = screen_sources(Services(), sources, get_campaign(JILIN))
    assert [item.filename for item in items] == ["甲台.docx", "乙台.pdf"]
    codes = [f.code for f in items[0].report.findings]
    assert "consistency.number_changed" in codes and "seal.missing" in codes
    assert items[1].report is None and items[1].error["code"] == "corrupt"
