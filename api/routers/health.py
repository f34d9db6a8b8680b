"""``GET /api/health``: is the service up, and what is it running without?

The service starts and screens without its optional parts (the embedding model, the archive database); the report
then says it is degraded. Health lists the same gaps so an operator sees them before a user does. Each probe is cheap
and never raises: a broken capability is a line in ``degraded``, not a failed health check.

``database`` names the backend (sqlite / postgresql) and ``queue`` describes the batch queue all workers share
(depth, live and expired leases, the oldest lease), so an operator of several workers sees a stuck one.

At start-up the service warms up (``api.warmup``): until that is done, health answers **503** with status
"warming", so a load balancer sends no traffic to a process whose first screen would take seconds; then 200 with
"ok" or "degraded". A failed warm-up is a ``degraded`` line, not an outage.
"""

from __future__ import annotations

import importlib
from typing import Any

from fastapi import APIRouter, Request, Response

from screening.services import Services

router = APIRouter(tags=["状态"])


@router.get(
    "/api/health",
    summary="服务状态",
    responses={503: {"description": "服务正在启动预热（status 为 warming），暂不接收请求"}},
)
def health(request: Request, response: Response) -> dict[str, Any]:
    services: Services = request.app.state.services
    capabilities = {name: probe(services) for name, probe in PROBES.items()}
    degraded = [note for ok, note in capabilities.values() if not ok]
    warm_up = getattr(request.app.state, "warm_up", None)
    warming = warm_up is not None and warm_up.status == "warming"
    if warm_up is not None and warm_up.status == "failed":
        degraded.append(f"启动预热失败（{warm_up.error}），首次预审会较慢。")
    if warming:  # start-up (api.warmup): a load balancer must not send traffic yet
        response.status_code = 503
    return {
        "status": "warming" if warming else "degraded" if degraded else "ok",
        "capabilities": {name: ok for name, (ok, _) in capabilities.items()},
        "degraded": degraded,
        "campaigns": len(_campaigns(services)),
        "warm_up": _warm_up_state(warm_up),
        "database": _database_state(services, capabilities["database"][0]),
        "queue": _queue_state(request),
    }


def _database_state(services: Services, reachable: bool) -> dict[str, Any]:
    """Which database this worker uses (the kind only: health is public, so no host or user) and whether it answers."""
    backend = "postgresql" if services.settings.database_url.startswith("postgresql") else "sqlite"
    return {"backend": backend, "reachable": reachable}


def _queue_state(request: Request) -> dict[str, Any] | None:
    """The shared batch queue (``BatchStore.queue_stats``): items waiting, items being screened, leases that expired
    (a worker died; another takes its item over), the age of the oldest live lease, and this process's worker name.
    None when the database cannot be read (``degraded`` says so)."""
    runner = request.app.state.batches
    try:
        stats = runner.store.queue_stats().to_dict()
    except Exception:  # noqa: BLE001 - the database probe reports it
        return None
    return {**stats, "this_worker": runner.worker, "lease_seconds": runner.lease_seconds}


def _warm_up_state(warm_up) -> dict[str, Any] | None:
    if warm_up is None:
        return None
    seconds = round(warm_up.seconds, 1) if warm_up.seconds is not None else None
    return {"status": warm_up.status, "seconds": seconds, "screens": warm_up.screens}


def _campaigns(services: Services) -> list:
    try:
        return services.campaigns()
    except Exception:  # noqa: BLE001 - reported by the probe below
        return []


def _probe_rulebooks(services: Services) -> tuple[bool, str]:
    try:
        found = services.campaigns()
    except Exception as exc:  # noqa: BLE001 - a broken rulebook is the operator's to fix; say which
        return False, f"征集规则文件有误：{getattr(exc, 'message', exc)}"
    return bool(found), "没有可用的征集规则文件（corpora/campaigns/*.toml）。"


def _probe_pipeline(services: Services) -> tuple[bool, str]:
    ok = _importable("screening.pipeline")
    return ok, "预审流程模块未安装，只能查看征集活动。"


def _probe_embeddings(services: Services) -> tuple[bool, str]:
    """Every model ``screening.embeddings.POLICY`` names must be present (built at setup by ``make
    embedding-model``); uses that run lexically by choice need none. The folder check is cheap: nothing is loaded."""
    try:
        from screening.embeddings import POLICY, model_path

        missing = sorted(
            {
                name
                for name in POLICY.values()
                if name and not (model_path(services.settings.model_dir, name=name) / "modules.json").exists()
            }
        )
    except Exception:  # noqa: BLE001 - any failure here means "not available"
        missing = ["?"]
    note = f"未安装向量模型（{'、'.join(missing)}；运行 make embedding-model），要素识别只使用关键词。"
    return not missing, note


def _probe_database(services: Services) -> tuple[bool, str]:
    note = "数据库不可用：案例库、已存材料和批量预审暂不可用。"
    try:
        from sqlalchemy import text

        from screening.db import get_engine

        with get_engine(services.settings.database_url).connect() as conn:
            conn.execute(text("select 1"))
        return True, note
    except Exception:  # noqa: BLE001
        return False, note


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
        return True
    except Exception:  # noqa: BLE001
        return False


def _probe_ocr(services: Services) -> tuple[bool, str]:
    """Tesseract with Chinese data, for scanned PDFs (cached after the first call: two subprocess runs)."""
    try:
        from screening.documents.ocr import engine

        ok = engine() is not None
    except Exception:  # noqa: BLE001
        ok = False
    return ok, "未安装文字识别组件（Debian tesseract-ocr、tesseract-ocr-chi-sim），扫描件 PDF 无法读取。"


def _probe_legacy(services: Services) -> tuple[bool, str]:
    """LibreOffice for .doc/.wps; a PATH look-up, nothing is started."""
    from screening.documents.legacy import soffice_path

    return soffice_path() is not None, "未安装 LibreOffice（Debian libreoffice-writer-nogui），.doc/.wps 文件无法读取。"


def _probe_element_model(services: Services) -> tuple[bool, str]:
    """The learned element matcher's file (``Services.element_model_path``, read once); without it elements run on cue
    words."""
    try:
        from screening.checks import element_model

        ok = element_model.load(services.element_model_path) is not None
    except Exception:  # noqa: BLE001
        ok = False
    return ok, "未找到要素识别模型（models/elements/model.json），要素识别改用关键词规则。"


PROBES = {
    "rulebooks": _probe_rulebooks,
    "pipeline": _probe_pipeline,
    "embeddings": _probe_embeddings,
    "element_model": _probe_element_model,
    "database": _probe_database,
    "ocr": _probe_ocr,
    "legacy_word": _probe_legacy,
}
