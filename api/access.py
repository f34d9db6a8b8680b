"""Who is calling: anonymous applicants, a bureau identified by its API key, or a reviewer identified by theirs.

The operator lists keys in ``SCREENING_API_KEYS`` as ``key=机构名`` (see ``screening.config``). A bureau's key is
sent in the ``X-API-Key`` header (the web page keeps it in the browser's session storage and sends the same header).
Every batch and stored submission records the owning bureau's name, and every bureau query filters on it, so one
bureau never sees another's batches: the filter sits in the store's queries, not in the templates.

Keys are compared in constant time. With no keys configured the bureau endpoints are closed (403), which is the safe
default for a fresh install.

Reviewers (``SCREENING_REVIEWER_KEYS="key=姓名:call1|call2"``, ``*`` for every call) are a separate role with separate
keys: a reviewer key is never a bureau key (a key listed in both is refused for both, and logged), a reviewer sees
every submission of the calls assigned to them, a bureau only its own.

Failed key attempts are counted per client (``KeyGuard``): after ``MAX_FAILURES`` within ``WINDOW_SECONDS`` every
key-checked request from that client gets 429 until the window has passed, even with a valid key, so guessing is
capped at ``MAX_FAILURES`` tries per window. Each failure is logged with the client address and a short hash of the
key tried (never the key). The client is the peer address uvicorn reports: ``screening serve`` trusts ``X-Forwarded-For`` from a proxy
on 127.0.0.1 (uvicorn's default); a proxy elsewhere needs ``FORWARDED_ALLOW_IPS``, or every request counts as the
proxy's.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, Header, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.security import APIKeyHeader

from .errors import error_body

log = logging.getLogger(__name__)

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="省级局机构密钥（由运维人员配置）")


@dataclass(frozen=True)
class Bureau:
    name: str  # the 机构名 the operator gave the key

    @property
    def archive_source(self) -> str:
        """The ``source`` written on the submissions this bureau stores; listing them filters on it."""
        return f"机构存档：{self.name}"


@dataclass(frozen=True)
class Reviewer:
    name: str  # the 姓名 the operator gave the key
    calls: tuple[str, ...]  # campaign ids assigned, or ("*",) for every call

    @property
    def all_calls(self) -> bool:
        return "*" in self.calls

    def may_review(self, campaign_id: str) -> bool:
        return self.all_calls or campaign_id in self.calls

    def visible_calls(self) -> tuple[str, ...] | None:
        """The calls a query should be restricted to; ``None`` means no restriction (``*``)."""
        return None if self.all_calls else self.calls


def _match(key: str | None, keys: dict):
    """The value of the configured key equal to ``key`` (constant-time per comparison), or None."""
    if not key:
        return None
    found = None
    for known, value in keys.items():
        if hmac.compare_digest(known.encode(), key.encode()):
            found = value
    return found


def bureau_for_key(key: str | None, keys: dict[str, str], reviewer_keys: dict | None = None) -> Bureau | None:
    if reviewer_keys and _match(key, reviewer_keys) is not None:
        return None  # a key configured for both roles is refused (see reviewer_for_key)
    owner = _match(key, keys)
    return Bureau(owner) if owner is not None else None


def reviewer_for_key(
    key: str | None, reviewer_keys: dict, bureau_keys: dict[str, str] | None = None
) -> Reviewer | None:
    if bureau_keys and _match(key, bureau_keys) is not None:
        return None
    spec = _match(key, reviewer_keys)
    return Reviewer(spec[0], tuple(spec[1])) if spec is not None else None


def warn_about_keys(settings) -> None:
    """Log, at start-up, keys configured both as bureau and reviewer keys (refused for both roles), and reviewers
    with no call assigned (they see nothing): both are operator mistakes that would otherwise look like bugs."""
    both = set(settings.api_keys) & set(settings.reviewer_keys)
    if both:
        log.warning(
            "%d 个密钥同时配置为机构密钥和评审密钥，两种角色都将拒绝这些密钥；请在 SCREENING_API_KEYS 与 "
            "SCREENING_REVIEWER_KEYS 中分开配置。",
            len(both),
        )
    for name, calls in settings.reviewer_keys.values():
        if not calls:
            log.warning(
                "评审专家“%s”没有分配任何征集活动（SCREENING_REVIEWER_KEYS 中写 姓名:活动编号，或 姓名:*）。", name
            )


# --- failed key attempts ---------------------------------------------------------------------------------------

MAX_FAILURES = 10
WINDOW_SECONDS = 300.0
RATE_LIMITED = "密钥验证失败次数过多，请 {minutes} 分钟后再试。"


class KeyGuard:
    """Failed key attempts per client, in a sliding window. Thread-safe; in memory, so per process (a deployment
    with N workers allows N x ``MAX_FAILURES`` tries per window: still a cap, and a restart clears it)."""

    def __init__(
        self,
        *,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def retry_after(self, client: str) -> int:
        """Seconds until ``client`` may try again; 0 when it is not blocked."""
        with self._lock:
            times = self._recent(client)
            if len(times) < self.max_failures:
                return 0
            return max(1, int(times[0] + self.window - self.clock()) + 1)

    def failed(self, client: str, key: str | None, *, role: str) -> None:
        with self._lock:
            times = self._recent(client)
            times.append(self.clock())
            count = len(times)
        tried = hashlib.sha256((key or "").encode()).hexdigest()[:8] if key else "（空）"
        log.warning(
            "%s密钥验证失败：客户端 %s，密钥摘要 %s，%d 秒内第 %d 次", role, client, tried, int(self.window), count
        )
        if count == self.max_failures:
            log.warning("客户端 %s 密钥验证失败达到 %d 次，暂停其密钥验证 %d 秒", client, count, int(self.window))


def key_guard(request: Request) -> KeyGuard:
    guard = getattr(request.app.state, "key_guard", None)
    if guard is None:
        guard = request.app.state.key_guard = KeyGuard()
    return guard


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def blocked_body(wait: int) -> dict:
    """The 429 error body for a client blocked for ``wait`` more seconds (rounded up to whole minutes)."""
    return error_body("too_many_attempts", RATE_LIMITED.format(minutes=max(1, -(-wait // 60))))


def refuse_if_blocked(request: Request) -> None:
    """429 with ``Retry-After`` when this client has failed too often (checked before the key itself)."""
    wait = key_guard(request).retry_after(client_of(request))
    if wait:
        raise HTTPException(429, blocked_body(wait), headers={"Retry-After": str(wait)})


def record_failure(request: Request, key: str | None, *, role: str) -> None:
    key_guard(request).failed(client_of(request), key, role=role)


# --- the key kept in a cookie (web pages) -------------------------------------------------------------------------
# A browser cannot send the X-API-Key header from a plain form, so the pages keep the key in an HttpOnly,
# SameSite=Strict cookie and check it exactly like the header: a wrong cookie is a failed attempt, and a blocked
# client reads as logged out. Bureau and reviewer pages share this; only the cookie, the lookup and the words differ.

KEY_COOKIE_SECONDS = 12 * 3600


def cookie_member(request: Request, cookie: str, lookup: Callable[[str], object], *, role: str):
    """Whoever ``lookup`` finds for the key in ``cookie``, or None (no cookie, a wrong key, or a blocked client)."""
    key = request.cookies.get(cookie)
    if not key or key_guard(request).retry_after(client_of(request)):
        return None
    member = lookup(key)
    if member is None:
        record_failure(request, key, role=role)
    return member


def key_login(
    request: Request,
    key: str,
    *,
    cookie: str,
    lookup: Callable[[str], object],
    role: str,
    target: str,
    invalid: str,
    refuse: Callable[[int, dict], Response],
) -> Response:
    """A login form's answer: ``refuse(status, error body)`` for a blocked client (429) or a wrong key (401, counted),
    else a redirect to ``target`` that keeps the key in ``cookie``."""
    wait = key_guard(request).retry_after(client_of(request))
    if wait:
        return refuse(429, blocked_body(wait))
    key = key.strip()
    if lookup(key) is None:
        record_failure(request, key, role=role)
        return refuse(401, error_body("unauthorized", invalid))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        cookie, key, httponly=True, samesite="strict", secure=request.url.scheme == "https", max_age=KEY_COOKIE_SECONDS
    )
    return response


def key_logout(cookie: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(cookie)
    return response


def require_bureau(request: Request, key: str | None = Depends(api_key_header)) -> Bureau:
    """FastAPI dependency for bureau endpoints: 401 without a valid key, 403 when the service has no keys at all,
    429 after too many failed attempts from this client."""
    settings = request.app.state.settings
    if not settings.api_keys:
        raise HTTPException(
            403,
            error_body("bureau_disabled", "本服务未配置机构密钥，批量预审不可用。请运维人员设置 SCREENING_API_KEYS。"),
        )
    refuse_if_blocked(request)
    bureau = bureau_for_key(key, settings.api_keys, settings.reviewer_keys)
    if bureau is None and reviewer_for_key(key, settings.reviewer_keys, settings.api_keys) is not None:
        # a real key of the other role is a wrong door, not a guess: no failed attempt (mirrors require_reviewer)
        raise HTTPException(403, error_body("bureau_only", "评审密钥不能使用机构功能，请使用机构密钥。"))
    if bureau is None:
        if key:
            record_failure(request, key, role="机构")
        message = "机构密钥无效，请检查后重试。" if key else "批量预审需要机构密钥（请求头 X-API-Key）。"
        raise HTTPException(401, error_body("unauthorized", message), headers={"WWW-Authenticate": "APIKey"})
    return bureau


def require_reviewer(request: Request, key: str | None = Depends(api_key_header)) -> Reviewer:
    """FastAPI dependency for the review desk: a reviewer key (never a bureau key) in ``X-API-Key``."""
    settings = request.app.state.settings
    if not settings.reviewer_keys:
        raise HTTPException(
            403,
            error_body(
                "review_disabled", "本服务未配置评审密钥，审查功能不可用。请运维人员设置 SCREENING_REVIEWER_KEYS。"
            ),
        )
    refuse_if_blocked(request)
    reviewer = reviewer_for_key(key, settings.reviewer_keys, settings.api_keys)
    if reviewer is not None:
        return reviewer
    if bureau_for_key(key, settings.api_keys, settings.reviewer_keys) is not None:
        raise HTTPException(403, error_body("reviewer_only", "机构密钥不能访问审查功能，请使用评审密钥。"))
    if key:
        record_failure(request, key, role="评审")
    message = "评审密钥无效，请检查后重试。" if key else "审查功能需要评审密钥（请求头 X-API-Key）。"
    raise HTTPException(401, error_body("unauthorized", message), headers={"WWW-Authenticate": "APIKey"})


def require_member(request: Request, key: str | None = Depends(api_key_header)) -> Bureau | Reviewer:
    """Either role, for endpoints both use (a submission: the bureau that made it, or a reviewer of its call)."""
    settings = request.app.state.settings
    refuse_if_blocked(request)
    found = bureau_for_key(key, settings.api_keys, settings.reviewer_keys) or reviewer_for_key(
        key, settings.reviewer_keys, settings.api_keys
    )
    if found is None:
        if key:
            record_failure(request, key, role="机构或评审")
        message = "密钥无效，请检查后重试。" if key else "需要机构密钥或评审密钥（请求头 X-API-Key）。"
        raise HTTPException(401, error_body("unauthorized", message), headers={"WWW-Authenticate": "APIKey"})
    return found


def optional_bureau(
    request: Request,
    key: str | None = Header(None, alias="X-API-Key", description="机构密钥（可选；保存材料或查看本机构存档时需要）"),
) -> Bureau | None:
    """The bureau when a valid key is sent, else None (self-check endpoints accept both).

    A plain header parameter rather than the security scheme, so the OpenAPI schema does not mark these endpoints
    as needing a key. A wrong key counts as a failed attempt (the self-check itself still answers); a valid reviewer
    key does not."""
    settings = request.app.state.settings
    bureau = bureau_for_key(key, settings.api_keys, settings.reviewer_keys)
    if key and bureau is None and reviewer_for_key(key, settings.reviewer_keys, settings.api_keys) is None:
        record_failure(request, key, role="机构")  # a reviewer's own key is no guess: self-check stays open to them
    return bureau
