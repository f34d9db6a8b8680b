"""Schemathesis against the OpenAPI schema the live server publishes: no 5xx, and responses match the schema.

Every operation in ``/openapi.json`` gets a bounded number of generated requests (valid and invalid forms, paths,
queries, uploads), sent with a bureau key so the bureau endpoints are reached too. Checked per response:

- ``not_a_server_error``: no 5xx (bad input must be a 4xx with ``{code, message}``, never a crash);
- ``response_schema_conformance`` and ``content_type_conformance``: the body and its media type are what the
  schema documents for that status.

Bounded to stay within ~1-2 minutes on two cores: ``MAX_EXAMPLES`` per operation, no shrinking deadline.

Why not ``@schema.parametrize()``: the schema must come from the live server, which a fixture starts, and
``schemathesis.pytest.from_fixture`` fails under pytest 9 (``'Function' object has no attribute '_nodeid'``). So
the operations are listed from the app's own schema at collection (for one test per operation) and each test draws
its cases from the *served* schema with a hypothesis ``@given``.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from tests.robustness.conftest import API_KEY, CAMPAIGN

MAX_EXAMPLES = 40
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(scope="session")
def api_schema(live_server):
    return schemathesis.openapi.from_url(live_server.url + "/openapi.json")


def _operations() -> list[str]:
    from api.app import create_app

    paths = create_app().openapi()["paths"]
    return [f"{method.upper()} {path}" for path, methods in paths.items() for method in methods]


@pytest.mark.parametrize("label", _operations())
def test_api_answers_every_generated_request_within_its_schema(api_schema, label):
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is in the app but not in the served schema"

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers={"X-API-Key": API_KEY}, checks=CHECKS, timeout=60)

    check()


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(text=st.text(min_size=1, max_size=3000), category=st.none() | st.text(max_size=20),
       material=st.none() | st.sampled_from(["detailed", "summary", "综合材料", ""]))
def test_pasted_text_of_any_kind_reaches_the_pipeline_and_conforms(api_schema, text, category, material):
    """Generated cases rarely name a real call, so most stop at 404; here the call is real and the text arbitrary."""
    operation = api_schema.find_operation_by_label("POST /api/screen")
    body = {"campaign": CAMPAIGN, "text": text}
    body.update({k: v for k, v in (("category", category), ("material", material)) if v is not None})
    case = operation.Case(body=body, media_type="multipart/form-data")
    case.call_and_validate(checks=CHECKS, timeout=60)
