"""Start-up warm-up: pay every one-off cost before the service says it is ready.

A cold process pays, on its first screen, for importing and building the pipeline (jieba's dictionary, spaCy, the
DOCX reader), loading the static embedding, each call family's category model, each category's phrase matchers,
opening the archive and building its duplicate index (10,000 records take seconds), and compiling the report
templates. Measured before this module (issue 15, 2 cores): first screen 8.8 s, the next ones 0.11 s.

``WarmUp.start()`` runs that work in a background thread at start-up, through the same code the requests use
(``screening.pipeline.screen_source`` with the app's ``Services``, on a DOCX written here with python-docx, for every
call and each of its categories, then the HTML report renderer). Until it is done ``GET /api/health`` answers 503 with status "warming",
so a load balancer sends no traffic yet; afterwards 200. A warm-up that fails does not stop the service: health turns
"degraded" and names the failure, and the first real request pays what was not paid (logged with the traceback).

Then a material of a usual length made of the team's training passages is screened once per call
(``domain_docx``), and it ends by preparing the archive's form-blanked duplicate candidates and screening one stored text
(``_warm_archive``), then one self-check through the app itself on its event loop (``_warm_http``: the HTTP layer's
first use), and by taking what it built out of the garbage collector's view (``freeze_heap``).

Order matters once: the pipeline (spaCy, imported with torch hidden from thinc, ``screening.nlp.import_spacy``) is
built first, before anything else could import torch.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import logging
import threading
import time
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from screening.config import CORPORA_DIR
from screening.services import Services

log = logging.getLogger(__name__)

WARMING, READY, FAILED = "warming", "ready", "failed"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTTP_SECONDS = 300  # the warm-up's own request (``_warm_http``) may take this long before the warm-up fails
WARM_UP_CHARS = 5000  # a material's usual length (the calls' 5000字 limit), for ``domain_docx``

# Headings, numbers, a claim and a plan: enough for every content check to run its matchers once.
WARM_UP_PARAGRAPHS = [
    ("一、基本情况", True),
    ("本中心建设融媒体平台，用户规模达到12万人，同比增长15%，日均生产稿件120条。", False),
    ("二、主要做法", True),
    ("整合资源，创新机制，打造全媒体传播矩阵，推动媒体深度融合。下一步将继续完善平台功能。", False),
    ("三、经验成效", True),
    ("项目投入资金300万元，带动当地就业200余人，效果显著，广受好评。", False),
]


@dataclass
class WarmUp:
    """The warm-up's state, read by the health route: ``status`` is "warming", "ready" or "failed"."""

    services: Services
    status: str = WARMING
    seconds: float | None = None
    error: str | None = None
    screens: int = 0
    prepared: int = 0  # form-blanked archive samples the warm-up prepared (DuplicateIndex.prepare_forms)
    # the app and its event loop: with them, the warm-up ends with one POST /api/screen through the app itself
    # (``screen_through_app``), so the HTTP layer's first use is paid too; None (tests, the CLI): not done
    app: Any = field(default=None, repr=False)
    loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> WarmUp:
        self._thread = threading.Thread(target=self.run, name="screening-warm-up", daemon=True)
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the warm-up has finished (ready or failed); False when ``timeout`` ran out first."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.status != WARMING

    def run(self) -> None:
        started = time.perf_counter()
        try:
            self._warm()
            self.status = READY
        except Exception as exc:  # noqa: BLE001 - the service still serves; health says what failed
            self.error = f"{type(exc).__name__}: {exc}"
            self.status = FAILED
            log.warning("预热失败（服务照常运行，首个请求会较慢）", exc_info=True)
        self.seconds = time.perf_counter() - started
        log.info(
            "预热%s，用时 %.1f 秒（%d 次预审）", "完成" if self.status == READY else "失败", self.seconds, self.screens
        )

    def _warm(self) -> None:
        from screening import nlp
        from screening.pipeline import screen_source

        from .reports import report_fragment

        nlp.pipeline()  # first: spaCy must be imported before anything imports torch (see the module docstring)
        data = warm_up_docx()
        done = None
        for campaign in self.services.campaigns():
            for category in [None, *(c.name for c in campaign.categories)]:
                done = screen_source(
                    self.services, data, filename="预热.docx", campaign_id=campaign.id, category=category
                )
                self.screens += 1
        if done is not None:
            report_fragment(done.report, done.text)
        material = domain_docx()
        for campaign in self.services.campaigns() if material else []:
            screen_source(self.services, material, filename="预热.docx", campaign_id=campaign.id)
            self.screens += 1
        self.prepared = self._warm_archive()
        self._warm_http(material or data)
        freeze_heap()

    def _warm_http(self, data: bytes) -> None:
        """One self-check through the app itself, on its event loop: the first request to a route pays for things
        the screening above never touches (FastAPI and pydantic build the route's form and response handling on
        first use, the screening limiter is made, a worker thread is started): ~13 ms measured in process, on a
        first screen that otherwise costs ~1.2x the next ones."""
        campaigns = self.services.campaigns()
        if self.app is None or self.loop is None or not campaigns or not self.loop.is_running():
            return
        pending = asyncio.run_coroutine_threadsafe(screen_through_app(self.app, data, campaigns[0].id), self.loop)
        deadline = time.monotonic() + HTTP_SECONDS
        while True:
            try:
                status = pending.result(timeout=1)
                break
            except concurrent.futures.TimeoutError:
                if not self.loop.is_running():  # the app is shutting down: nothing left to warm
                    pending.cancel()
                    return
                if time.monotonic() > deadline:
                    pending.cancel()
                    raise
        if status != 200:
            raise RuntimeError(f"预热时的 POST /api/screen 返回 {status}")
        self.screens += 1

    def _warm_archive(self) -> int:
        """Blank a call's form out of the archive records that carry it (``DuplicateIndex.prepare_forms``), and
        screen one of them as a material: the warm-up document above is too short to find candidates, so without
        this the first real screen against a populated archive pays for segmenting tens of blanked candidates
        (~50 ms each) and for the comparison path it has not run yet (it matches itself: verbatim, with passages).
        Returns the records prepared."""
        from screening.documents.intake import from_text
        from screening.duplicates import get_index
        from screening.pipeline import screen

        archive = self.services.archive
        if archive is None:
            return 0
        index = get_index(archive, embedder=self.services.embedders.duplicates)
        prepared = index.prepare_forms()
        sample = index.texts(sorted(index.with_text)[-1:])  # the newest: what new materials most resemble
        campaigns = self.services.campaigns()
        if sample and campaigns:
            screen(from_text(next(iter(sample.values())), filename="预热.txt"), campaigns[0], services=self.services)
            self.screens += 1
        return prepared


async def screen_through_app(app: Any, data: bytes, campaign_id: str) -> int:
    """``POST /api/screen`` of ``data`` to ``app`` in process (httpx's ASGI transport: no socket, the app's own
    middleware and route); the response's status."""
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://warm-up") as client:
        files = {"file": ("预热.docx", data, DOCX)}
        response = await client.post("/api/screen", data={"campaign": campaign_id}, files=files)
    return response.status_code


def freeze_heap() -> None:
    """Collect once, then move everything start-up built (the duplicate index: ~840,000 objects at 10,000 records,
    the models, the dictionaries) out of the garbage collector's view (``gc.freeze``). They live as long as the
    process, yet each full collection walked them all: ~250 ms at 10,000 records, landing on whichever request
    happened to trigger it (measured in-process on the api bench's materials: p95 0.41 s, 0.29 s frozen)."""
    import gc

    gc.collect()
    gc.freeze()


def warm_up_docx(paragraphs: list[tuple[str, bool]] = WARM_UP_PARAGRAPHS) -> bytes:
    """A DOCX written in memory (``(text, is heading)`` paragraphs), so the warm-up goes through the same reader as
    an upload."""
    import docx

    document = docx.Document()
    document.add_paragraph("某某县融媒体中心媒体融合典型案例", style="Title")
    for text, heading in paragraphs:
        document.add_paragraph(text, style="Heading 1" if heading else None)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def domain_docx() -> bytes | None:
    """A material of ``WARM_UP_CHARS`` from the team's training passages (corpora/training, every call family in
    turn), or None without them. The short warm-up document leaves most of the field's vocabulary unseen, and each
    word seen the first time costs something in spaCy's vocabulary, the static embedding's token ids and the
    element matchers; measured in-process (empty archive, after the short warm-up): the first real 5,000字 screen
    ~55 ms slower than the same material screened again later."""
    files = sorted((CORPORA_DIR / "training").rglob("*.txt"))
    passages = [[p.strip() for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()] for f in files]
    paragraphs, total = list(WARM_UP_PARAGRAPHS), sum(len(t) for t, _h in WARM_UP_PARAGRAPHS)
    for passage in (p for group in zip_longest(*passages) for p in group if p):
        if total >= WARM_UP_CHARS:
            break
        paragraphs.append((passage, False))
        total += len(passage)
    return warm_up_docx(paragraphs) if len(paragraphs) > len(WARM_UP_PARAGRAPHS) else None
