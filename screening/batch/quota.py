"""The quota check: the call's limits for the recommending unit's kind, per category and in total."""

from __future__ import annotations

from ..campaigns.model import Campaign, Quota
from .models import BatchRow, QuotaLine, QuotaStatus


def quota_rule(campaign: Campaign, unit_kind: str) -> Quota | None:
    return next((q for q in campaign.quotas.rules if q.unit_kind == unit_kind), None)


def check_quota(rows: list[BatchRow], campaign: Campaign, *, unit_kind: str) -> QuotaStatus:
    """Count the included rows per category and in total against the rule for ``unit_kind``; name those over.

    Rows are walked in priority order, so the entries named as over a limit are the lowest-priority ones: moving a
    row up the list moves the quota problem to another row, which is what a bureau deciding what to cut needs to see.
    """
    quotas = campaign.quotas
    rule = quota_rule(campaign, unit_kind)
    for row in rows:
        row.over_quota = []
    if not quotas.specified or rule is None:
        note = quotas.note or ("本活动没有为该类单位规定名额。" if quotas.specified else "通知未规定推荐名额。")
        return QuotaStatus(specified=False, unit_kind=unit_kind, note=note, rule=quotas.clause)
    included = [r for r in rows if r.included]
    status = QuotaStatus(
        specified=True,
        unit_kind=unit_kind,
        unit_label=rule.unit_label,
        condition=rule.condition,
        rule=f"{campaign.notice_number} {rule.clause}",
        note=quotas.note,
    )
    if rule.per_category is not None:
        by_category: dict[str, list[BatchRow]] = {category_key(r.category, campaign): [] for r in rows}
        for row in included:
            by_category[category_key(row.category, campaign)].append(row)
        for category, members in by_category.items():
            over = members[rule.per_category :]
            status.lines.append(
                QuotaLine(
                    scope="category",
                    category=category,
                    count=len(members),
                    limit=rule.per_category,
                    over=[r.id for r in over],
                )
            )
            for r in over:
                r.over_quota.append(f"超出“{category}”类别名额（每类不超过 {rule.per_category} 个）")
            if over:
                status.messages.append(
                    f"“{category}”类别推荐 {len(members)} 个，超出名额 {len(over)} 个（每类不超过 "
                    f"{rule.per_category} 个）：" + "、".join(row_label(r) for r in over)
                )
    if rule.total is not None:
        over = included[rule.total :]
        status.lines.append(QuotaLine(scope="total", count=len(included), limit=rule.total, over=[r.id for r in over]))
        for r in over:
            r.over_quota.append(f"超出推荐总数名额（总数不超过 {rule.total} 个）")
        if over:
            status.messages.append(
                f"共推荐 {len(included)} 个，超出总数名额 {len(over)} 个（总数不超过 {rule.total} 个）："
                + "、".join(row_label(r) for r in over)
            )
    return status


def category_key(name: str, campaign: Campaign) -> str:
    """The call's own category name for a declared one (aliases resolve), or the declared text, or 未填写类别."""
    if not name:
        return "未填写类别"
    category = campaign.category(name)
    return category.name if category else name


def row_label(row: BatchRow) -> str:
    return f"第{row.rank}位《{row.case_name or row.filename}》"
