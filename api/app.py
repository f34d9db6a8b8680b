"""The FastAPI application: ``create_app(settings)`` builds one, ``app`` is the one ``screening serve`` runs.

A factory rather than a bare module-level app so tests can build an app over their own settings (a temporary database,
their own API keys) without touching the environment. Routers are included in one place, below, so a reader sees the
whole surface of the service at a glance:

=================================  =======================================================  ==========
path                               what                                                     who
=================================  =======================================================  ==========
GET  /api/health                   liveness plus the capabilities that are missing          anyone
GET  /api/campaigns[/{id}]         the calls and their rules                                anyone
POST /api/screen                   screen one upload or pasted text (JSON, or HTML)         anyone
/api/batches...                    batch pre-screen, progress, results, 推荐排序表            bureau key
/api/archive...                    prior selections and stored submissions                  bureau key (writes)
/api/notices/draft                 draft a rulebook from a notice (api.routers.notice)      anyone
/ , /report, /batches/...          the Chinese web page                                     anyone / key
/docs, /openapi.json               API documentation (offline page) and the OpenAPI schema  anyone
=================================  =======================================================  ==========
"""

from __future__ import annotations

import importlib
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from screening.config import Settings, load_settings

from . import errors
from .batch_runner import BatchRunner
from .paths import STATIC_DIR
from .routers import apidocs, archive, batches, campaigns, health, pages, screen
from .uploads import UploadLimit

log = logging.getLogger(__name__)

DESCRIPTION = """
典型案例申报材料预审服务。

- 申报单位自查：上传材料（或粘贴文字），选择征集活动、类别和材料类型，得到预审报告（无需账号，默认不保存）。
- 省级局批量预审：上传多份材料或一个 zip，得到每份材料的报告、名额核对、重复检查和推荐排序表（需要机构密钥，
  请求头 `X-API-Key`；密钥由运维人员通过环境变量 `SCREENING_API_KEYS` 配置）。

所有错误以 `{"code": ..., "message": ...}` 返回，`message` 为中文说明。
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app over ``settings`` (default: read from the environment)."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Resume or fail batches a previous process left unfinished, then let the runner own its threads.
        app.state.batches.recover()
        threading.Thread(target=warm_up, args=(settings,), name="screening-warm-up", daemon=True).start()
        yield
        app.state.batches.shutdown()

    app = FastAPI(
        title="典型案例申报材料预审",
        description=DESCRIPTION,
        version="1.0",
        lifespan=lifespan,
        docs_url="/docs/swagger",  # Swagger UI needs a CDN; /docs is our offline page (api.routers.apidocs)
        redoc_url=None,
        openapi_tags=[
            {"name": "状态", "description": "服务状态"},
            {"name": "征集活动", "description": "征集活动及其规则"},
            {"name": "自查", "description": "单份材料预审（无需账号）"},
            {"name": "批量预审", "description": "省级局批量预审（需要机构密钥）"},
            {"name": "案例库", "description": "往年入选案例与已存申报材料"},
        ],
    )
    app.state.settings = settings
    app.state.batches = BatchRunner(settings)
    errors.install(app)
    app.add_middleware(UploadLimit, settings=settings)

    for module in (health, campaigns, screen, batches, archive, pages, apidocs):
        app.include_router(module.router)
    _include_optional(app, "api.routers.notice")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def warm_up(settings: Settings) -> None:
    """Pay the one-off costs (jieba's dictionary, spaCy, the embedding model, the duplicate index) at start-up, in
    the background, so the first applicant does not wait for them. A failure here only means a slower first request."""
    try:
        from .reports import screen_material

        screen_material(settings, WARM_UP_TEXT.encode(), filename="warm-up.txt", campaign_id=_any_campaign(settings),
                        category=None, material=None)
    except Exception:  # noqa: BLE001 - see the docstring
        log.warning("预热失败（不影响服务，首个请求会较慢）", exc_info=True)


def _any_campaign(settings: Settings) -> str:
    from screening.campaigns import all_campaigns

    return all_campaigns(settings.campaigns_dir)[0].id


WARM_UP_TEXT = "一、总体情况\n本台建设新媒体平台，用户规模达到12万人，同比增长15%。\n二、主要做法\n整合资源，创新机制。"


def _include_optional(app: FastAPI, module_name: str) -> None:
    """Include a router written elsewhere when it exists; a missing or broken one must not take the service down."""
    app.state.notice_enabled = False
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        log.info("可选路由 %s 未加载：%s", module_name, exc)
        return
    except Exception:  # noqa: BLE001 - someone else's module; log it and keep serving the rest
        log.exception("可选路由 %s 加载失败", module_name)
        return
    app.include_router(module.router)
    app.state.notice_enabled = True


app = create_app()
