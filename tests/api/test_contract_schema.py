"""The served contract in the default run (the full schemathesis run is ``tests/robustness/test_contract.py``, slow).

What the schema must say: every error status with the ``ErrorBody`` schema, the framework's own statuses on every
route of their kind, the request rules (non-empty, required, one of file and text), and a 405's ``Allow`` naming
every method of the path.
"""

from __future__ import annotations

from tests.api.helpers import key

ERROR_REF = "#/components/schemas/ErrorBody"


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", method, operation


def test_every_error_status_is_declared_with_the_error_body(client):
    schema = client.get("/openapi.json").json()
    assert set(schema["components"]["schemas"]["ErrorBody"]["required"]) == {"code", "message"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]  # FastAPI's 422 shape is not ours
    for label, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"500"} | ({"400", "413"} if method in ("post", "put", "patch") else set())
        assert expected <= set(responses), label
        for status, declared in responses.items():
            if int(status) >= 400 and status != "503":  # health's 503 is its own body ("warming")
                assert declared["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}, (label, status)


def test_routes_declare_what_they_answer(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"401", "403", "404", "429"} <= set(paths["/api/batches/{batch_id}"]["get"]["responses"])
    assert {"401", "404", "413", "415", "422"} <= set(paths["/api/screen"]["post"]["responses"])
    assert {"401", "403", "415"} <= set(paths["/api/archive/import"]["post"]["responses"])
    assert "404" in paths["/api/campaigns/{campaign_id}"]["get"]["responses"]


def test_the_request_schemas_say_what_is_required(client):
    components = client.get("/openapi.json").json()["components"]["schemas"]
    screen = components["Body_screen_upload_api_screen_post"]
    assert screen["properties"]["campaign"]["minLength"] == 1
    assert [branch["required"] for branch in screen["oneOf"]] == [["file"], ["text"]]
    assert screen["properties"]["file"]["format"] == "binary" and "anyOf" not in screen["properties"]["file"]
    batch = components["Body_create_batch_api_batches_post"]
    assert {"campaign", "files"} <= set(batch["required"]) and batch["properties"]["files"]["minItems"] == 1
    assert "" in batch["properties"]["unit_kind"]["enum"]  # an empty form value is read as the default


def test_a_405_names_every_method_of_the_path(client):
    answer = client.options("/api/batches", headers=key())
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"  # two routes on one path; Starlette alone names only the first
    assert answer.json()["code"] == "http_405"


def test_the_contract_rules_match_the_answers(client):
    both = client.post(
        "/api/screen",
        data={"campaign": "nrta-2025-media-convergence", "text": "正文"},
        files={"file": ("材料.txt", "正文".encode())},
    )
    assert both.status_code == 400  # the oneOf: file and text together
    empty_campaign = client.post("/api/screen", data={"campaign": "", "text": "正文"})
    assert empty_campaign.status_code == 422  # minLength 1
    assert client.get("/api/archive", params={"year": 10**30}).status_code == 422  # was a 500 (SQLite overflow)
