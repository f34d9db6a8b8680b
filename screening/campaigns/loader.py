"""Loading rulebooks from ``corpora/campaigns/*.toml`` with messages that name the file and the field.

Rulebooks are read once per process and cached by directory: they are small, and the service never edits them at run
time. The service passes its ``settings.campaigns_dir`` (``Services.campaign``); a caller that passes no directory gets
the shipped rulebooks (``SHIPPED_DIR``), never a directory named by the environment.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from ..config import CORPORA_DIR
from ..errors import CampaignNotFound, RulebookError
from .model import Campaign

SHIPPED_DIR = CORPORA_DIR / "campaigns"


def load_campaign(path: Path) -> Campaign:
    """Read and validate one rulebook file; raise RulebookError naming the file and each bad field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError(f"征集规则文件 {path.name} 不是有效的 TOML：{exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError(f"无法读取征集规则文件 {path.name}：{exc}") from exc
    try:
        campaign = Campaign.model_validate(data)
    except ValidationError as exc:
        raise RulebookError(f"征集规则文件 {path.name} 有误：\n{_describe(exc)}", detail={"file": str(path)}) from exc
    if campaign.id != path.stem:
        raise RulebookError(f"征集规则文件 {path.name} 有误：字段 id = {campaign.id!r} 应与文件名 {path.stem!r} 一致")
    return campaign


def _describe(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "（顶层）"
        lines.append(f"  - 字段 {where}：{err['msg']}")
    return "\n".join(lines)


@cache
def _load_dir(directory: Path) -> dict[str, Campaign]:
    campaigns = {}
    for path in sorted(directory.glob("*.toml")):
        campaign = load_campaign(path)
        campaigns[campaign.id] = campaign
    return campaigns


def all_campaigns(directory: Path | None = None) -> list[Campaign]:
    """Every rulebook, newest call first."""
    found = _load_dir(directory or SHIPPED_DIR).values()
    return sorted(found, key=lambda c: (-c.year, c.id))


def get_campaign(campaign_id: str, directory: Path | None = None) -> Campaign:
    campaigns = _load_dir(directory or SHIPPED_DIR)
    try:
        return campaigns[campaign_id]
    except KeyError:
        known = "、".join(sorted(campaigns)) or "（无）"
        raise CampaignNotFound(f"找不到征集活动 {campaign_id!r}。可选：{known}") from None
