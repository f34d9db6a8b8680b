"""Who is calling: anonymous applicants, or a bureau identified by its API key.

The operator lists keys in ``SCREENING_API_KEYS`` as ``key=机构名`` (see ``screening.config``). A bureau's key is
sent in the ``X-API-Key`` header (the web page keeps it in the browser's session storage and sends the same header).
Every batch and stored submission records the owning bureau's name, and every bureau query filters on it, so one
bureau never sees another's batches: the filter sits in the store's queries, not in the templates.

Keys are compared in constant time. With no keys configured the bureau endpoints are closed (403), which is the safe
default for a fresh install.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import APIKeyHeader

from .errors import error_body

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="省级局机构密钥（由运维人员配置）")


@dataclass(frozen=True)
class Bureau:
    name: str  # the 机构名 the operator gave the key

    @property
    def archive_source(self) -> str:
        """The ``source`` written on the submissions this bureau stores; listing them filters on it."""
        return f"机构存档：{self.name}"


def bureau_for_key(key: str | None, keys: dict[str, str]) -> Bureau | None:
    if not key:
        return None
    for known, owner in keys.items():
        if hmac.compare_digest(known.encode(), key.encode()):
            return Bureau(owner)
    return None


def require_bureau(request: Request, key: str | None = Depends(api_key_header)) -> Bureau:
    """FastAPI dependency for bureau endpoints: 401 without a valid key, 403 when the service has no keys at all."""
    keys = request.app.state.settings.api_keys
    if not keys:
        raise HTTPException(
            403, error_body("bureau_disabled", "本服务未配置机构密钥，批量预审不可用。请运维人员设置 SCREENING_API_KEYS。")
        )
    bureau = bureau_for_key(key, keys)
    if bureau is None:
        message = "机构密钥无效，请检查后重试。" if key else "批量预审需要机构密钥（请求头 X-API-Key）。"
        raise HTTPException(401, error_body("unauthorized", message), headers={"WWW-Authenticate": "APIKey"})
    return bureau


def optional_bureau(
    request: Request,
    key: str | None = Header(None, alias="X-API-Key", description="机构密钥（可选；保存材料或查看本机构存档时需要）"),
) -> Bureau | None:
    """The bureau when a valid key is sent, else None (self-check endpoints accept both).

    A plain header parameter rather than the security scheme, so the OpenAPI schema does not mark these endpoints
    as needing a key."""
    return bureau_for_key(key, request.app.state.settings.api_keys)
