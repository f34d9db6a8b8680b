"""``GET /api/campaigns`` and ``GET /api/campaigns/{id}``: the calls the service knows, from their rulebooks.

The list is a summary (what the upload form needs: categories and materials per call); one call returns its whole
rulebook, the same data the checks enforce.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from screening.campaigns import Campaign

from ..errors import declare

router = APIRouter(prefix="/api/campaigns", tags=["征集活动"])


def campaign_summary(campaign: Campaign) -> dict[str, Any]:
    """What a form needs to offer a call: its name, deadline, categories and materials."""
    return {
        "id": campaign.id,
        "name": campaign.name,
        "short_name": campaign.short_name,
        "year": campaign.year,
        "level": campaign.level,
        "issuer": campaign.issuer,
        "notice_number": campaign.notice_number,
        "deadline": campaign.dates.deadline.isoformat() if campaign.dates.deadline else None,
        "categories": [{"id": c.id, "name": c.name, "aliases": c.aliases} for c in campaign.categories],
        "materials": [{"id": m.id, "name": m.name, "limit": m.limit} for m in campaign.materials],
        "default_material": campaign.default_material.id,
    }


@router.get("", summary="征集活动列表")
def list_campaigns(request: Request) -> list[dict[str, Any]]:
    return [campaign_summary(c) for c in request.app.state.services.campaigns()]


@router.get("/{campaign_id}", summary="一个征集活动的完整规则", responses=declare(s404="找不到该征集活动"))
def show_campaign(campaign_id: str, request: Request) -> dict[str, Any]:
    campaign = request.app.state.services.campaign(campaign_id)
    return campaign.model_dump(mode="json")
