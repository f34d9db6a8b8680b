from screening.campaigns import get_campaign
from screening.documents import from_text
from screening.documents.model import Block, Document

from .helpers import codes
from .materials import material


def test_data_free_material_is_flagged(run_checks):
    result = run_checks(material(with_figures=False)).results["quantities"]
    assert result.measurement["data_count"] == 0
    (finding,) = [f for f in result.findings if f.code == "quantities.none"]
    assert finding.severity == "warning" and finding.rule.endswith("四、材料编写体例")


def test_well_formed_material_has_dense_dated_comparative_data(run_checks):
    result = run_checks(material()).results["quantities"]
    m = result.measurement
    assert codes(result, "warning") == []
    assert m["per_1000"] >= 3 and m["comparisons"] >= 2 and m["newest_year"] == 2025
    present = {d["id"]: d["present"] for d in m["dimensions"]}
    assert present == {
        "scale": True,
        "feedback": True,
        "finance": True,
        "operations": True,
        "business_model": True,
        "outlook": True,
    }
    results = next(e for e in m["per_element"] if e["id"] == "results")
    assert results["figures"] >= 4


def test_every_mention_has_the_contract_fields(run_checks):
    mentions = run_checks(material()).results["quantities"].measurement["mentions"]
    assert mentions
    for q in mentions:
        assert {"span", "start", "end", "value", "unit", "kind", "comparative", "approx"} <= set(q)
        assert isinstance(q["value"], str) and "e" not in q["value"].lower()


def test_old_figures_are_stale(run_checks):
    doc = from_text("一、成效\n截至2021年底，客户端用户达到120万，全年营收3000万元，同比增长12%。")
    result = run_checks(doc).results["quantities"]
    assert "quantities.stale" in codes(result, "warning")
    assert result.measurement["newest_year"] == 2021


def test_table_column_header_gives_the_unit(run_checks):
    rows = [["项目", "金额（万元）"], ["平台建设", "280"], ["内容生产", "120.5"]]
    text = "\n".join("\t".join(r) for r in rows)
    doc = Document(
        text=text, blocks=[Block(kind="table", text=text, start=0, end=len(text), rows=rows)], sections=[], format="txt"
    )
    mentions = run_checks(doc).results["quantities"].measurement["mentions"]
    assert [(q["span"], q["value"], q["unit"], q["kind"]) for q in mentions] == [
        ("280", "2800000", "元", "finance"),
        ("120.5", "1205000", "元", "finance"),
    ]


def test_call_without_data_expectations_only_measures(run_checks):
    campaign = get_campaign("nrta-2020-smart-broadcasting-demo")
    if campaign.data is not None:  # the rulebook may grow a [data] section; then the default path is tested above
        return
    result = run_checks(material(with_figures=False), campaign=campaign, category=None).results["quantities"]
    assert codes(result) == ["quantities.no_expectations"]


def test_colloquial_amounts_are_mentions_and_only_exact_ones_are_data(run_checks):
    doc = from_text("一、成效\n项目投入几十万元，单场活动三五百元，2024年营收1万元--5万元，票价十块三毛。")
    m = run_checks(doc).results["quantities"].measurement
    by_span = {q["span"]: q for q in m["mentions"]}
    assert (by_span["几十万元"]["value"], by_span["几十万元"]["upper"]) == ("200000", "900000")
    assert (by_span["三五百元"]["value"], by_span["三五百元"]["upper"]) == ("300", "500")
    assert (by_span["1万元--5万元"]["value"], by_span["1万元--5万元"]["upper"]) == ("10000", "50000")
    assert (by_span["十块三毛"]["value"], by_span["十块三毛"]["unit"]) == ("10.3", "元")
    assert m["data_count"] == 3  # 几十万元 is vague: found, not counted as a data figure
