"""The API keeps the contract it serves: ``schemathesis run --checks all`` against ``/openapi.json`` finds nothing.

The run is the one issue 14 measured (19 failures then): every check schemathesis has, 30 examples per operation,
all its phases (explicit examples, coverage of each schema boundary, fuzzing, stateful sequences that follow the
links between operations). It runs twice (``PASSES``), once with a bureau key and once with a reviewer key (assigned
every call, on the routes a reviewer may use), after the bureau has submitted one screened material
(``submitted_item``): so the bureau routes and the review desk both answer beyond 401/403/404, and each role's
routes are checked to have done so. It checks, among others:

- no 5xx (bad input is a 4xx with ``{code, message}``, never a crash);
- every status answered is declared for its route, and its body and media type are the declared ones;
- schema-valid requests are accepted and schema-violating ones refused (the request schemas say what is required);
- ``Allow`` on a 405 names exactly the methods the path has.

The tuning is in ``schemathesis.toml`` beside this file: on the upload routes, answers about a file's *content* (a
type we do not read, an unreadable file), which no schema can describe, count as accepted requests; and real ids
(a call, the submitted material's submission and item, read from ``CONTRACT_SUBMISSION`` / ``CONTRACT_ITEM``) are
put on the routes that need existing data. The reviewer pass skips ``ignored_auth`` (see ``PASSES``).

The command runs in its own process against the live server (``conftest.live_server``), as a user would run it, so
its summary is what a failure prints. The seed is fixed so CI is repeatable; to explore, run the same command
(``schemathesis_run``) against ``make serve`` with another ``--seed``, with the two variables set to ids of a
submitted material there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from tests import hostile
from tests.robustness.helpers import API_KEY, CAMPAIGN, REVIEWER_KEY

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES_PER_OPERATION = 30
SEED = 14


@dataclass(frozen=True)
class Pass:
    """One schemathesis run: the key it sends, the operations it calls (regex on "METHOD /path"; None: all), the
    checks it skips, and the operations that key opens, each of which must answer something other than 401/403/429
    with it."""

    key: str
    own: str
    only: str | None = None
    skip: str | None = None


# Both passes come from one client, and ten failed key attempts block a client (429) for five minutes
# (``api.access.KeyGuard``). So the reviewer pass calls only what a reviewer may use (with a reviewer key, a bureau
# route answers 401 and counts a failed attempt: ``api.access.require_bureau``), and it skips ``ignored_auth``, which
# re-sends every request that succeeded with a wrong key: on the reviewer's 13 routes that alone passes ten. The
# bureau pass runs ``ignored_auth`` on every route, the review desk's included.
REVIEWER_ROUTES = r"^(GET /api/submissions|[A-Z]+ /api/review/)"
PASSES = {
    "bureau": Pass(API_KEY, own=r"^[A-Z]+ /api/(batches|submissions)"),
    "reviewer": Pass(REVIEWER_KEY, own=REVIEWER_ROUTES, only=REVIEWER_ROUTES, skip="ignored_auth"),
}


def schemathesis_run(url: str, report_dir: Path, run: Pass) -> list[str]:
    """The command line: all checks, 30 examples per operation, one role's key, an NDJSON event log to read."""
    return [
        str(SCHEMATHESIS),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        url + "/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        str(SEED),
        "--header",
        f"X-API-Key: {run.key}",
        *(["--include-name-regex", run.only] if run.only else []),
        *(["--exclude-checks", run.skip] if run.skip else []),
        "--request-timeout",
        "60",
        "--report",
        "ndjson",
        "--report-dir",
        str(report_dir),
    ]


def answered_statuses(report_dir: Path) -> dict[str, set[int]]:
    """Every status code each operation answered during the run, from schemathesis' NDJSON event log."""
    statuses: dict[str, set[int]] = {}
    for path in report_dir.glob("*.ndjson"):
        for line in path.read_text(encoding="utf-8").splitlines():
            recorder = json.loads(line).get("ScenarioFinished", {}).get("recorder")
            for interaction in (recorder or {}).get("interactions", {}).values():
                if interaction.get("response"):
                    statuses.setdefault(recorder["label"], set()).add(interaction["response"]["status_code"])
    return statuses


def submitted_item(url: str) -> dict[str, str]:
    """A material the bureau screened in a batch and submitted (报送): the ids ``schemathesis.toml`` puts on the
    submission and review-item routes (``CONTRACT_SUBMISSION``, ``CONTRACT_ITEM``), so both passes reach a real
    submission and the reviewer's item, decision and file routes answer beyond 404."""
    headers = {"X-API-Key": API_KEY}
    files = {"files": ("材料.docx", hostile.valid_docx())}
    batch = httpx.post(url + "/api/batches", data={"campaign": CAMPAIGN}, files=files, headers=headers, timeout=60)
    assert batch.status_code == 202, batch.text
    deadline = time.monotonic() + 120
    while httpx.get(url + f"/api/batches/{batch.json()['id']}", headers=headers).json()["status"] != "done":
        assert time.monotonic() < deadline, "the contract's batch did not finish in 120 s"
        time.sleep(0.2)
    submission = httpx.post(url + "/api/submissions", json={"batch_id": batch.json()["id"]}, headers=headers)
    assert submission.status_code == 201, submission.text
    submission_id = submission.json()["id"]
    items = httpx.get(url + f"/api/submissions/{submission_id}", headers=headers).json()["items"]
    return {"CONTRACT_SUBMISSION": submission_id, "CONTRACT_ITEM": items[0]["id"]}


@pytest.fixture(scope="module")
def submitted(live_server) -> dict[str, str]:
    return submitted_item(live_server.url)


@pytest.fixture(scope="module", params=list(PASSES))
def contract_run(request, live_server, submitted, tmp_path_factory):
    run = PASSES[request.param]
    report_dir = tmp_path_factory.mktemp("schemathesis")
    command = schemathesis_run(live_server.url, report_dir, run)
    env = {**os.environ, **submitted}
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=report_dir, env=env)
    return run, done, answered_statuses(report_dir)


@pytest.mark.slow  # ~50 s for the bureau pass on two cores (1,500 requests, and the batches it creates get screened)
def test_the_served_schema_holds(contract_run):
    _, done, _ = contract_run
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]  # the exit code is the verdict


@pytest.mark.slow  # shares the run above
def test_no_request_got_a_server_error_and_every_operation_was_reached(contract_run, live_server):
    run, _, statuses = contract_run
    served = {label for label in live_server_operations(live_server.url) if re.match(run.only or "", label)}
    assert served, "the served schema lists no operation"
    assert served <= set(statuses), f"operations never called: {sorted(served - set(statuses))}"
    crashed = {label: sorted(s for s in codes if s >= 500) for label, codes in statuses.items() if max(codes) >= 500}
    assert not crashed, crashed


@pytest.mark.slow  # shares the run above
def test_each_role_gets_past_the_key_check_on_its_routes(contract_run, live_server):
    run, _, statuses = contract_run
    own = {label for label in live_server_operations(live_server.url) if re.match(run.own, label)}
    assert own, run.own
    stopped = sorted(label for label in own if statuses.get(label, set()) <= {401, 403, 429})
    assert not stopped, f"answered only 401/403/429 with this key: {stopped}"


def live_server_operations(url: str) -> set[str]:
    import httpx

    paths = httpx.get(url + "/openapi.json", timeout=30).json()["paths"]
    return {f"{method.upper()} {path}" for path, methods in paths.items() for method in methods}


# --- pasted text of any kind ------------------------------------------------------------------------------------
# Generated cases rarely name a real call, so most stop at 404; here the call is real and the text arbitrary.

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(scope="session")
def api_schema(live_server):
    import schemathesis

    return schemathesis.openapi.from_url(live_server.url + "/openapi.json")


@settings(max_examples=100, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.text(min_size=1, max_size=3000),
    category=st.none() | st.text(max_size=20),
    material=st.none() | st.sampled_from(["detailed", "summary", "综合材料", ""]),
)
def test_pasted_text_of_any_kind_reaches_the_pipeline_and_conforms(api_schema, text, category, material):
    operation = api_schema.find_operation_by_label("POST /api/screen")
    body = {"campaign": CAMPAIGN, "text": text}
    body.update({k: v for k, v in (("category", category), ("material", material)) if v is not None})
    case = operation.Case(body=body, media_type="multipart/form-data")
    case.call_and_validate(checks=CHECKS, timeout=60)
