"""``screening check FILE... --campaign ID [--category NAME] [--material ID] [--format text|json|md|html] [--out PATH]
[--no-model]``

Without ``--campaign`` only the document part is printed (what was read: format, pages, title, counts, sections).
Exit codes: 0 screened (whatever the verdict), 2 usage error, 3 a file could not be read, 1 an internal error (a
bug: logged with its traceback, ``_common.user_errors``); messages on stderr in Chinese. Several files are
screened one after the other; one unreadable file does not stop the others, but the
exit code is then 3. With several files, ``--out`` names a directory that receives one report per file.

Two versions of one material (the Word file and its stamped scan): files with the same stem (``材料.docx`` and
``材料.pdf``) are screened together, or any two files with ``--pair``. The Word version is screened, the PDF is
compared with it (``screening.checks.consistency``) and searched for the seal the call requires.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from ..documents import document_info, load_document
from ..errors import InputError, UsageError
from ..faces import speak
from ..filetypes import ACCEPTED_LABEL
from ..pipeline import ScreenInputs, screen_source
from ..render import FORMATS, render
from ..render.jsonfmt import render_json
from ..services import Services
from . import wording as cli_wording
from ._common import build_services, user_errors

_SUFFIX = {"text": ".txt", "json": ".json", "md": ".md", "html": ".html"}


def check(
    files: list[Path] = typer.Argument(..., help=f"申报材料文件（{ACCEPTED_LABEL}），可多个。", show_default=False),
    campaign: str | None = typer.Option(None, "--campaign", help="征集活动编号，见 `screening campaigns`。"),
    category: str | None = typer.Option(None, "--category", help="申报类别名称（也接受往年的类别名）。"),
    material: str | None = typer.Option(None, "--material", help="材料编号或名称，默认为详细材料。"),
    fmt: str = typer.Option("text", "--format", help="输出格式：text、json、md、html。"),
    out: Path | None = typer.Option(None, "--out", help="输出到文件（多个文件时为目录）。"),
    submitted_on: str | None = typer.Option(None, "--submitted-on", help="提交日期 YYYY-MM-DD，用于检查是否逾期。"),
    no_model: bool = typer.Option(False, "--no-model", help="不加载语义模型：更快，要素只按关键词判断。"),
    pair: bool = typer.Option(
        False, "--pair", help="两个文件是同一材料的两个版本（Word 版和盖章扫描 PDF 版），一起预审并比对。"
    ),
) -> None:
    """预审申报材料：字数、必备要素、数据、主观表述和申报类别。"""
    with user_errors():
        if fmt not in FORMATS:
            raise UsageError(f"不支持的输出格式“{fmt}”，可选：{'、'.join(FORMATS)}。")
        # as the API does: POLICY's models, and the archive the settings name (none needed to describe a document)
        services = build_services(models=not no_model and campaign is not None, archive=campaign is not None)
        if campaign:
            services.campaign(campaign)  # an unknown call is a usage error before any file is read
        inputs = ScreenInputs(submitted_on=submitted_on or None)
        failed = False
        outputs = []
        for path, other in version_groups(files, pair=pair):
            try:
                outputs.append((path, _one(services, path, campaign, category, material, fmt, inputs, other=other)))
            except InputError as exc:
                names = path.name + (f"、{other.name}" if other else "")
                print(f"错误：{names}：{exc.message}", file=sys.stderr)
                failed = True
        _write(outputs, fmt, out)
    if failed:
        raise typer.Exit(3)


def version_groups(files: list[Path], *, pair: bool = False) -> list[tuple[Path, Path | None]]:
    """``(file screened, other version or None)`` in the order given: same-stem files pair up (at most two per
    stem), or the two files when ``pair``. Of a Word/PDF pair the Word file is screened: its text is exact."""
    if pair:
        if len(files) != 2:
            raise UsageError("--pair 需要正好两个文件：同一材料的 Word 版和盖章扫描 PDF 版。")
        return [_word_first(*files)]
    groups: dict[str, list[Path]] = {}
    for path in files:
        members = groups.setdefault(path.stem, [])
        if len(members) == 2:  # a third file of the same stem is screened on its own
            groups.setdefault(f"{path.stem}\0{len(groups)}", []).append(path)
        else:
            members.append(path)
    return [_word_first(*members) if len(members) == 2 else (members[0], None) for members in groups.values()]


def _word_first(first: Path, second: Path) -> tuple[Path, Path]:
    return (second, first) if first.suffix.lower() == ".pdf" and second.suffix.lower() != ".pdf" else (first, second)


def _one(
    services: Services,
    path: Path,
    campaign: str | None,
    category,
    material,
    fmt: str,
    inputs: ScreenInputs,
    *,
    other: Path | None = None,
) -> str:
    for given in (path, other):
        if given is not None and not given.is_file():
            raise InputError(f"找不到文件 {given}。")
    if campaign is None:
        info = document_info(load_document(path, filename=path.name, limits=services.limits))
        if fmt == "json":
            return json.dumps({"document": info.model_dump()}, ensure_ascii=False, indent=2, default=str)
        return _document_text(info)
    done = screen_source(
        services,
        path,
        filename=path.name,
        campaign_id=campaign,
        category=category,
        material=material,
        inputs=inputs,
        companion=(other.name, other) if other else None,
    )
    if fmt == "json":
        return render_json(done.report)
    report = speak(done.report, cli_wording.HOW_TO)  # the CLI's own how-to (its flags), e.g. for an undeclared category
    return render(report, fmt, text=done.text, color=fmt == "text" and sys.stdout.isatty())


def _document_text(info) -> str:
    lines = [f"文件：{info.filename}  格式：{info.format}" + (f"  页数：{info.pages}" if info.pages else "")]
    if info.title:
        lines.append(f"标题：{info.title}")
    lines += [f"{key}：{value}" for key, value in (("申报单位", info.unit), ("征集类别", info.category)) if value]
    lines.append("计数：" + "，".join(f"{k} {v}" for k, v in info.counts.items()))
    lines += [f"{'  ' * max(0, s['level'] - 1)}- {s['heading']}" for s in info.sections if s.get("heading")]
    lines += [f"说明：{note}" for note in info.notes]
    return "\n".join(lines) + "\n"


def _write(outputs: list[tuple[Path, str]], fmt: str, out: Path | None) -> None:
    if out is None:
        for _, rendered in outputs:
            sys.stdout.write(rendered if rendered.endswith("\n") else rendered + "\n")
        return
    if len(outputs) == 1 and not out.is_dir():
        out.write_text(outputs[0][1], encoding="utf-8")
        return
    out.mkdir(parents=True, exist_ok=True)
    for path, rendered in outputs:
        (out / (path.stem + _SUFFIX[fmt])).write_text(rendered, encoding="utf-8")


# Mount either way: ``main.add_typer(check.app, name="check")`` or ``main.command("check")(check.check)``. As a group
# callback, options may follow the file names only with interspersed arguments allowed.
app = typer.Typer(
    add_completion=False, pretty_exceptions_enable=False, context_settings={"allow_interspersed_args": True}
)
app.callback(invoke_without_command=True)(check)
