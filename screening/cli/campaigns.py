"""``screening campaigns [ID]``: the calls we have rulebooks for.

Three outputs, chosen with ``--format`` (by default: a table on a terminal, tab-separated lines when piped):

- ``table``: rich's table (the list) or its Markdown rendering (one call), for people at a terminal;
- ``plain``: one call per line, ``编号 名称 文号 截止日期 类别`` separated by tabs, ids whole so that ``cut -f1`` and
  shell loops work (rich folds or cuts cells to the width it guesses for a pipe, which broke ids); for one call, the
  same description as Markdown source;
- ``json``: the list's summaries, or one call's whole rulebook, for programs.

The command must answer at once (issue 15: ≤ 0.5 s cold), so rich is imported only for the ``table`` output: its
console and Markdown renderer are ~50 ms of a ~0.3 s start, most of the rest being typer and pydantic (the rulebooks
are pydantic models, so that part stays).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum

import typer

from ..campaigns import all_campaigns, get_campaign
from ..campaigns.describe import describe
from ..campaigns.model import Campaign
from ._common import user_errors

COLUMNS = ("编号", "名称", "文号", "截止日期", "类别")


class Output(StrEnum):
    table = "table"
    plain = "plain"
    json = "json"


def campaigns(
    campaign_id: str = typer.Argument(None, metavar="[ID]", help="征集活动编号"),
    output: Output = typer.Option(
        None, "--format", help="输出格式：table（终端默认）、plain（管道默认，制表符分隔）或 json"
    ),
) -> None:
    output = output or (Output.table if sys.stdout.isatty() else Output.plain)
    with user_errors():
        if campaign_id:
            _show(get_campaign(campaign_id), output)
        else:
            _list(all_campaigns(), output)


def summary(c: Campaign) -> dict:
    """One call as the list shows it (the JSON form; table and plain print the same fields)."""
    return {
        "id": c.id,
        "name": c.name,
        "short_name": c.short_name,
        "notice_number": c.notice_number,
        "deadline": c.dates.deadline.isoformat() if c.dates.deadline else None,
        "categories": [{"id": k.id, "name": k.name} for k in c.categories],
    }


def _row(c: Campaign) -> tuple[str, ...]:
    deadline = f"{c.dates.deadline:%Y-%m-%d}" if c.dates.deadline else "—"
    return c.id, c.short_name, c.notice_number, deadline, "、".join(k.name for k in c.categories)


def _list(calls: list[Campaign], output: Output) -> None:
    if output is Output.json:
        typer.echo(json.dumps([summary(c) for c in calls], ensure_ascii=False, indent=2))
    elif output is Output.plain:
        for c in calls:
            typer.echo("\t".join(_row(c)))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="征集活动")
        for column in COLUMNS:
            # The id is what people copy into --campaign: never folded across lines.
            table.add_column(column, overflow="fold", no_wrap=column == "编号")
        for c in calls:
            table.add_row(*_row(c))
        Console().print(table)


def _show(campaign: Campaign, output: Output) -> None:
    if output is Output.json:
        typer.echo(json.dumps(campaign.model_dump(mode="json"), ensure_ascii=False, indent=2))
    elif output is Output.plain:
        typer.echo(describe(campaign))
    else:
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(describe(campaign)))
