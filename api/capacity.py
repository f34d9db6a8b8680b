"""How many screenings one API process runs at once (``Settings.concurrent_screens``); the others wait their turn.

A screening is CPU work in a worker thread (the event loop must stay free for /api/health and uploads). Starlette's
``run_in_threadpool`` admits up to 40 at once, which on a 2-core machine buys no throughput (the GIL and the cores
are the limit) but holds 40 screenings' documents, parses and arrays in memory together: under bench/load.py's 50
clients the API process grew from ~400 MB to ~750 MB. Admitting as many as there are cores keeps throughput and
bounds that memory; a request beyond them waits in the event loop, its upload already read (bounded by
``Settings.max_file_bytes``). Only the screening itself is limited: storing, reading reports and health are not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import Request

T = TypeVar("T")


async def run_screening(request: Request, func: Callable[..., T], /, *args, **kwargs) -> T:
    """``func(*args, **kwargs)`` in a worker thread, at most ``concurrent_screens`` of them at a time per app."""
    return await to_thread.run_sync(partial(func, *args, **kwargs), limiter=_limiter(request))


def _limiter(request: Request) -> CapacityLimiter:
    """The app's limiter, made on first use: anyio ties it to the running event loop, which does not exist yet when
    the app is built."""
    state = request.app.state
    limiter = getattr(state, "screen_slots", None)
    if limiter is None:
        limiter = state.screen_slots = CapacityLimiter(state.settings.concurrent_screens)
    return limiter
