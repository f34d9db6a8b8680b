"""``screening campaigns [ID]``: the calls we have rulebooks for."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from ..campaigns import all_campaigns, get_campaign
from ..campaigns.describe import describe
from ._common import user_errors


def campaigns(campaign_id: str = typer.Argument(None, metavar="[ID]", help="征集活动编号")) -> None:
    console = Console()
    with user_errors():
        if campaign_id:
            console.print(Markdown(describe(get_campaign(campaign_id))))
            return
        table = Table(title="征集活动")
        for column in ("编号", "名称", "文号", "截止日期", "类别"):
            table.add_column(column, overflow="fold")
        for c in all_campaigns():
            deadline = f"{c.dates.deadline:%Y-%m-%d}" if c.dates.deadline else "—"
            table.add_row(c.id, c.short_name, c.notice_number, deadline, "、".join(k.name for k in c.categories))
        console.print(table)
