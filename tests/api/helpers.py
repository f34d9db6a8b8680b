"""What the API suites share besides fixtures: the call they screen for, the bureau keys the test app accepts, its
settings, and polling a batch until it is done."""

import time

from screening.config import load_settings

KEYS = {"jl-key": "吉林省广播电视局", "fj-key": "福建省广播电视局"}
CAMPAIGN = "nrta-2025-media-convergence"


def make_settings(tmp_path, **env):
    """Settings over a temporary database and an empty model folder (lexical mode: fast and deterministic)."""
    (tmp_path / "models").mkdir(exist_ok=True)
    values = {
        "SCREENING_DATABASE_URL": f"sqlite:///{tmp_path / 'api.db'}",
        "SCREENING_MODEL_DIR": str(tmp_path / "models"),
        "SCREENING_API_KEYS": ",".join(f"{k}={v}" for k, v in KEYS.items()),
    }
    values.update(env)
    return load_settings(values)


def key(name="jl-key") -> dict[str, str]:
    return {"X-API-Key": name}


def wait_for_batch(client, batch_id, *, headers, timeout=120.0) -> dict:
    """Poll the progress endpoint until the batch is done or failed; return its last state."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/api/batches/{batch_id}", headers=headers).json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    raise AssertionError(f"批次 {batch_id} 未在 {timeout} 秒内完成：{state}")
