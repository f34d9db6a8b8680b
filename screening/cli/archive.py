"""``screening archive import|list|export``: the archive of earlier selections and stored submissions."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..archive import KIND_LABELS, Archive
from ._common import user_errors

app = typer.Typer(help="往届入选案例与已存档申报材料：导入、查看、导出。", no_args_is_help=True, add_completion=False)


@app.command("import")
def import_command(
    file: Path = typer.Argument(
        ..., help="CSV 或 XLSX 文件；列名可用英文或中文（年份、征集活动、类别、案例名称、申报单位、省份、正文）"
    ),
) -> None:
    """导入往届入选案例。有误的行会列出行号和原因，其余行照常导入。"""
    with user_errors():
        if not file.exists():
            from ..errors import UsageError

            raise UsageError(f"找不到文件：{file}")
        result = archive().import_file(file)
    for issue in result.errors:
        typer.echo(f"第 {issue.row} 行有误：{issue.reason}", err=True)
    for issue in result.skipped:
        typer.echo(f"第 {issue.row} 行：{issue.reason}", err=True)
    typer.echo(result.summary())


@app.command("list")
def list_command(
    year: int | None = typer.Option(None, help="只看某一年"),
    campaign: str | None = typer.Option(None, help="征集活动名称中包含的文字"),
    kind: str | None = typer.Option(None, help="selection（入选案例）或 submission（申报材料）"),
    limit: int = typer.Option(50, help="最多显示多少条"),
) -> None:
    """列出档案记录。"""
    with user_errors():
        if kind and kind not in KIND_LABELS:
            from ..errors import UsageError

            raise UsageError("--kind 只能是 selection 或 submission。")
        records = archive().records(year=year, campaign=campaign, kind=kind, limit=limit)
    table = Table("编号", "类型", "年份", "征集活动", "类别", "案例名称", "申报单位", "省份", "正文字数")
    for r in records:
        table.add_row(
            str(r.id),
            KIND_LABELS.get(r.kind, r.kind),
            str(r.year),
            r.campaign,
            r.category,
            r.case_name,
            r.unit,
            r.province,
            str(len(r.text)),
        )
    Console().print(table)
    typer.echo(f"共显示 {len(records)} 条。")


@app.command("export")
def export_command(
    file: Path = typer.Argument(..., help="输出文件，.csv 或 .xlsx"),
    chinese: bool = typer.Option(False, "--chinese", help="使用中文列名"),
    kind: str | None = typer.Option(None, help="selection 或 submission；默认全部"),
) -> None:
    """导出档案记录（含正文）。"""
    with user_errors():
        if file.suffix.lower() not in (".csv", ".xlsx"):
            from ..errors import UsageError

            raise UsageError("导出文件须为 .csv 或 .xlsx。")
        n = archive().export(file, chinese_headers=chinese, kind=kind)
    typer.echo(f"已导出 {n} 条记录到 {file}。")


def archive() -> Archive:
    """The archive the settings name (``SCREENING_DATABASE_URL``; the default SQLite file when unset)."""
    from ..archive import get_archive
    from ..config import load_settings

    return get_archive(load_settings().database_url)
