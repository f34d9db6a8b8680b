"""A rulebook in readable Chinese: what the CLI prints and the web page shows for one call."""

from __future__ import annotations

from .model import Campaign, Quotas

COUNT_LABELS = {
    "word": "Word字数",
    "hanzi": "汉字数",
    "chars": "字符数（计空格）",
    "chars_no_spaces": "字符数（不计空格）",
}


def describe(campaign: Campaign) -> str:
    """Plain text with light Markdown headings; each rule names the clause it comes from."""
    c = campaign
    lines = [
        f"# {c.name}",
        "",
        f"{c.issuer}　{c.notice_number}"
        + (f"（{c.forwarded_by}以{c.forwarding_notice}转发）" if c.forwarded_by else "")
        + (
            f"（转发{c.origin_issuer or ''}{c.origin_notice}，本地名额和截止时间以本通知为准）"
            if c.origin_notice
            else ""
        ),
        "",
        c.summary,
        "",
    ]
    lines += _dates(c)
    lines += ["", "## 申报材料"]
    for m in c.materials:
        limit = f"不超过 {m.limit} 字（按{COUNT_LABELS[m.count]}）" if m.limit else "通知未规定字数"
        extra = "，须覆盖必备要素" if m.elements_required else ""
        lines.append(f"- {m.name}：{limit}{extra}　〔{m.clause}〕")
    if c.stamping:
        lines += ["", "## 盖章要求"]
        lines += [f"- {s.document}：加盖{s.seal}，{s.format}　〔{s.clause}〕" for s in c.stamping]
    lines += ["", "## 征集类别与必备要素"]
    if not c.elements_specified:
        lines.append(f"（{c.elements_note}）")
    for i, cat in enumerate(c.categories, 1):
        alias = f"（又称：{'、'.join(cat.aliases)}）" if cat.aliases else ""
        lines.append(f"{i}. {cat.name}{alias}　〔{cat.clause}〕")
        lines.append(f"   {cat.description}")
        for j, el in enumerate(cat.elements, 1):
            lines.append(f"   {j}) {el.name}：{el.summary}")
    if c.data:
        lines += ["", "## 数据要求", f"{c.data.summary}　〔{c.data.clause}〕"]
        if c.data.dimensions:
            lines.append("须反映：" + "、".join(d.name for d in c.data.dimensions))
    lines += ["", "## 推荐名额", *_quotas(c.quotas), _export_table(c)]
    if c.eligibility:
        lines += ["", "## 申报资格"]
        lines += [f"- {e.summary}　〔{e.clause}〕" for e in c.eligibility]
    if c.criteria:
        lines += ["", "## 评审要求（供参考）"]
        lines += [f"- {cr.name}：{cr.summary}" for cr in c.criteria]
    return "\n".join(lines)


def _dates(c: Campaign) -> list[str]:
    d = c.dates
    lines = []
    if d.issued:
        lines.append(f"- 成文日期：{d.issued:%Y年%m月%d日}")
    if d.published:
        lines.append(f"- 发布日期：{d.published:%Y年%m月%d日}")
    lines.append(
        f"- 征集截止：{d.deadline:%Y年%m月%d日}　〔{d.deadline_clause}〕" if d.deadline else "- 征集截止：通知未载明"
    )
    if d.provincial_deadline:
        lines.append(f"- 省局上传截止：{d.provincial_deadline:%Y年%m月%d日}")
    if d.origin_deadline:
        lines.append(f"- 被转发通知的截止：{d.origin_deadline:%Y年%m月%d日}（本通知的截止时间优先）")
    if d.note:
        lines.append(f"- 说明：{d.note}")
    return lines


def _export_table(c: Campaign) -> str:
    source = f"　〔{c.export.clause}〕" if c.export.clause else f"（{c.export.note.rstrip('。')}）"
    return f"推荐表格：{c.export.table}{source}"


def _quotas(q: Quotas) -> list[str]:
    if not q.specified:
        lines = [f"通知未设名额上限：{q.note}"]
    else:
        lines = []
        for r in q.rules:
            parts = [
                f"每个类别不超过 {r.per_category} 个" if r.per_category else "每个类别未设上限",
                f"总数不超过 {r.total} 个" if r.total else "总数未设上限",
            ]
            lines.append(f"- {r.unit_label}：{'，'.join(parts)}　〔{r.clause}〕")
        if q.note:
            lines.append(f"说明：{q.note}")
    if q.ranking_required:
        lines.append("须按推荐优先级排序报送。")
    return lines
