"""The served OpenAPI schema describes the report the screen route returns, block by block (schema /2)."""

from __future__ import annotations

from screening.report import BLOCK_FIELDS, Report
from screening.results import BLOCKS
from tests.api.helpers import CAMPAIGN
from tests.checks.materials import material_text
from tests.test_results import undeclared


def test_the_screen_route_documents_every_block(client):
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/api/screen"]["post"]["responses"]["200"]["content"]
    assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/Report"} and "text/html" in ok
    schemas = spec["components"]["schemas"]
    report = schemas["Report"]["properties"]
    assert {*BLOCK_FIELDS, "declared_category"} <= set(report) and "category" not in report
    for _, model in BLOCKS.values():
        assert set(model.model_fields) <= set(schemas[model.__name__]["properties"]), model.__name__
    assert schemas["ElementReport"]["properties"]["status"]["enum"] == ["covered", "weak", "missing"]
    assert {"offset", "start", "end"} <= set(schemas["Crossing"]["properties"])
    assert {"category", "probability", "evidence"} <= set(schemas["RankedCategory"]["properties"])
    assert {"record", "passages", "severity"} <= set(schemas["DuplicateMatch"]["properties"])


def test_a_served_report_fits_the_documented_models(client):
    response = client.post(
        "/api/screen", data={"campaign": CAMPAIGN, "text": material_text(), "category": "新媒体平台建设"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    report = Report.model_validate(body)
    assert undeclared(report) == []
    assert body["declared_category"] == "新媒体平台建设" and body["category_suggestion"]["ranked"]
