"""``screening batch DIR_OR_ZIP --campaign ID --out DIR``: the bureau's batch pre-screen without the web server.

Writes into ``--out``:

- ``reports/NNN-<name>.json`` (and ``.html`` when the report renderer is installed): one report per material, numbered
  in the order the files were read (sorted by name);
- ``summary.json``: the batch table (schema ``screening.batch/1``): priority order, reasons, quota, duplicates;
- ``summary.md``: the same in readable Chinese;
- ``推荐排序表.xlsx`` / ``.csv`` (``推荐汇总表`` for calls whose attachment is called that).

Progress goes to stderr; exit codes as everywhere (0 screened, whatever the verdicts; 2 usage; 3 unreadable input).
Nothing is stored in the database: the CLI batch is a pure function of the files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..batch import ACCEPTED_LABEL, BatchReport, Screened, run_batch, sources_from_path
from ..batch.export import DUPLICATES_FAILED, batch_notes, export_csv, export_xlsx, table_title
from ..campaigns.model import DEFAULT_UNIT_KIND, UNIT_KINDS
from ..errors import UsageError
from ._common import build_services, user_errors

# One command mounted as a group (``app.add_typer(batch.app, name="batch")``), so it lives in the callback; click
# groups stop reading options at the first positional argument unless told otherwise.
app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    subcommand_metavar="",
    context_settings={"allow_interspersed_args": True},
)
err = Console(stderr=True)


@app.callback(invoke_without_command=True)
def batch(
    source: Path = typer.Argument(..., metavar="DIR_OR_ZIP", help="材料所在的文件夹，或一个 zip 压缩包"),
    campaign: str = typer.Option(..., "--campaign", "-c", help="征集活动编号（screening campaigns 查看）"),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件夹（不存在时自动创建）"),
    unit_kind: str = typer.Option(DEFAULT_UNIT_KIND, help=f"推荐单位类型：{' / '.join(UNIT_KINDS)}"),
    material: str | None = typer.Option(None, help="材料类型编号（默认按详细材料检查）"),
    no_model: bool = typer.Option(False, "--no-model", help="不加载语义模型：更快，要素、类别和重复只按字词判断"),
) -> None:
    """批量预审一个文件夹或 zip 中的全部材料，输出每份报告、汇总和推荐排序表。"""
    with user_errors():
        if not source.exists():
            raise UsageError(f"找不到 {source}。")
        services = build_services(models=not no_model)
        found = services.campaign(campaign)
        if unit_kind not in UNIT_KINDS:
            raise UsageError(f"推荐单位类型 {unit_kind!r} 无效，可选 {'、'.join(UNIT_KINDS)}。")
        sources, refused = sources_from_path(source)
        if not sources:
            raise UsageError(f"{source} 中没有可预审的材料（{ACCEPTED_LABEL}）。")
        for item in refused:
            err.print(f"[yellow]跳过[/]：{item.filename}（格式不支持或文件过大）")
        items, result = _run_with_progress(services, sources, found, material, unit_kind=unit_kind)
        if DUPLICATES_FAILED in result.notes:  # summary and 推荐排序表 carry the note too
            err.print(f"[yellow]{DUPLICATES_FAILED}[/]")
        write_outputs(out, items, result)
    err.print(f"完成：{len(items)} 份材料，结果在 {out}")


def _run_with_progress(services, sources, campaign, material, *, unit_kind: str) -> tuple[list[Screened], BatchReport]:
    columns = (
        TextColumn("预审"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("", total=len(sources))

        def advance(item: Screened) -> None:
            progress.update(task, advance=1, description=item.filename)

        return run_batch(services, sources, campaign, unit_kind=unit_kind, material=material, on_progress=advance)


def write_outputs(out: Path, items: list[Screened], result: BatchReport) -> None:
    reports = out / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    for item in items:
        stem = f"{item.index:03d}-{_file_stem(item.filename)}"
        payload = item.report.to_json_dict() if item.report else {"filename": item.filename, "error": item.error}
        (reports / f"{stem}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
        html = _report_html(item)
        if html:
            (reports / f"{stem}.html").write_text(html, encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "summary.md").write_text(summary_markdown(result), encoding="utf-8")
    title = table_title(result)
    (out / f"{title}.xlsx").write_bytes(export_xlsx(result))
    (out / f"{title}.csv").write_bytes(export_csv(result))


def _file_stem(filename: str) -> str:
    stem = Path(filename).stem
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", stem)[:60] or "material"


def _report_html(item: Screened) -> str | None:
    """The checks' self-contained HTML report, when the renderer is installed."""
    if item.report is None:
        return None
    try:
        from ..render import render_html
    except ImportError:
        return None
    return render_html(item.report)


def summary_markdown(result: BatchReport) -> str:
    """The batch in readable Chinese: counts, quota status, then the table in priority order."""
    counts = result.counts
    lines = [
        f"# {result.campaign.name}：批量预审汇总",
        "",
        f"共 {len(result.rows)} 份：可推荐 {counts['pass']}，需修改 {counts['revise']}，不符合要求 {counts['reject']}，"
        f"无法读取 {counts['unreadable']}；建议推荐 {counts['included']} 份。",
        "",
    ]
    lines += [f"> 注意：{note}" for note in batch_notes(result)] + [""] if batch_notes(result) else []
    lines += ["## 名额核对", ""]
    quota = result.quota
    if not quota.specified:
        lines.append(quota.note)
    else:
        lines.append(f"{quota.unit_label}（依据：{quota.rule}）")
        lines += [
            f"- {'类别“' + q.category + '”' if q.scope == 'category' else '推荐总数'}：{q.count}/{q.limit}"
            + ("（超出）" if not q.ok else "")
            for q in quota.lines
        ]
        lines += (
            ["", *[f"**{m}**" for m in quota.messages]] if quota.messages else ["", "按当前排序，推荐数量在名额之内。"]
        )
    lines += [
        "",
        f"## {table_title(result)}（建议排序）",
        "",
        "| 排序 | 推荐 | 案例名称 | 类别 | 申报单位 | 结论 | 得分 | 理由 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in result.rows:
        reasons = "；".join(row.reasons + [d.message for d in row.duplicates] + row.over_quota).replace("|", "｜")
        lines.append(
            f"| {row.rank} | {'是' if row.included else '否'} | {row.case_name} | {row.category} | {row.unit} | "
            f"{row.verdict_label} | {row.score} | {reasons} |"
        )
    return "\n".join(lines) + "\n"
