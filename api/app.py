"""The FastAPI application: ``create_app(settings)`` builds one, ``app`` is the one ``screening serve`` runs.

A factory rather than a bare module-level app so tests can build an app over their own settings (a temporary database,
their own API keys) without touching the environment. Routers are included in one place, below, so a reader sees the
whole surface of the service at a glance:

=================================  =======================================================  ==========
path                               what                                                     who
=================================  =======================================================  ==========
GET  /api/health                   readiness (503 "warming" at start-up), missing capabilities anyone
GET  /api/campaigns[/{id}]         the calls and their rules                                anyone
POST /api/screen                   screen one upload or pasted text (JSON, or HTML)         anyone
/api/batches...                    batch pre-screen, progress, results, 推荐排序表            bureau key
/api/archive...                    prior selections and stored submissions                  bureau key (writes)
/api/submissions...                a bureau submits (报送) a finished batch; both roles read  bureau / reviewer
/api/review...                     the review desk: queue, items, decisions, import, export  reviewer key
/api/notices/draft                 draft a rulebook from a notice (api.routers.notice)      anyone
/ , /report, /batches/...          the Chinese web page                                     anyone / key
/docs, /openapi.json               API documentation (offline page) and the OpenAPI schema  anyone
=================================  =======================================================  ==========
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from screening.batch.worker import BatchRunner
from screening.config import Settings, load_settings
from screening.services import Services

from . import access, errors, security
from .paths import STATIC_DIR
from .routers import apidocs, archive, batches, campaigns, health, notice, pages, review, screen
from .uploads import UploadLimit
from .warmup import WarmUp

log = logging.getLogger(__name__)

DESCRIPTION = """
典型案例申报材料预审服务。

- 申报单位自查：上传材料（或粘贴文字），选择征集活动、类别和材料类型，得到预审报告（无需账号，默认不保存）。
- 省级局批量预审：上传多份材料或一个 zip，得到每份材料的报告、名额核对、重复检查和推荐排序表（需要机构密钥，
  请求头 `X-API-Key`；密钥由运维人员通过环境变量 `SCREENING_API_KEYS` 配置）。

所有错误以 `{"code": ..., "message": ...}` 返回，`message` 为中文说明。
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app over ``settings`` (default: read from the environment, here, once).

    The app's ``Services`` (``app.state.services``: settings, rulebooks, each use's embedder, the archive) is built
    here and is what every route, the batch workers and the warm-up screen with; ``app.state.settings`` is its
    settings, for the routes that only need a limit or a key.
    """
    settings = settings or load_settings()
    services = Services.build(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Resume or fail batches a previous process left unfinished, then let the runner own its threads.
        app.state.batches.recover()
        # /api/health answers 503 "warming" until it is done; it ends with a screen through the app on this loop
        app.state.warm_up = WarmUp(services, app=app, loop=asyncio.get_running_loop()).start()
        yield
        app.state.batches.shutdown()

    app = FastAPI(
        title="典型案例申报材料预审",
        description=DESCRIPTION,
        version="1.0",
        lifespan=lifespan,
        # No Swagger UI: it loads scripts from a CDN and runs an inline script, both refused by our CSP
        # (api.security). /docs is the offline page (api.routers.apidocs); the schema stays at /openapi.json.
        docs_url=None,
        redoc_url=None,
        openapi_tags=[
            {"name": "状态", "description": "服务状态"},
            {"name": "征集活动", "description": "征集活动及其规则"},
            {"name": "自查", "description": "单份材料预审（无需账号）"},
            {"name": "批量预审", "description": "省级局批量预审（需要机构密钥）"},
            {"name": "案例库", "description": "往年入选案例与已存申报材料"},
            {"name": "报送", "description": "省级局把完成的批次报送评审（需要机构密钥）"},
            {"name": "审查", "description": "评审专家跨机构审查、记录结论、导出审查结果表（需要评审密钥）"},
        ],
    )
    app.state.services = services
    app.state.settings = settings
    app.state.warm_up = None  # set at start-up (lifespan); None: not started, nothing to wait for
    app.state.screen_slots = None  # api.capacity: made with the first screening (it needs the running loop)
    app.state.batches = BatchRunner(services)
    errors.install(app)
    app.add_middleware(UploadLimit, settings=settings)
    security.install(app)  # CSP, nosniff, Referrer-Policy on every response, errors included (api.security)
    access.warn_about_keys(settings)

    for module in (health, campaigns, screen, batches, archive, review, notice, pages, apidocs):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


app = create_app()
