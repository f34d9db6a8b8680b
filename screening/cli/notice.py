"""``screening notice draft NOTICE_FILE``: a draft rulebook from a new call's notice.

Writes ``<id>.toml`` (or ``--out``), prints what a person must check to stderr, and exits 0 even when the draft is
unsure of many fields: a draft is a starting point, and the list says where to look. The draft goes to
``corpora/campaigns/`` only after that review (the loader refuses a file whose name differs from its id).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

from ..campaigns import all_campaigns
from ..campaigns.draft import Draft, draft_file
from ..errors import UsageError
from ..filetypes import ACCEPTED_LABEL
from ._common import user_errors

app = typer.Typer(help="从征集通知起草规则文件。", no_args_is_help=True, add_completion=False)


@app.callback()
def notice() -> None:
    """征集通知：起草规则文件。"""  # a callback keeps `draft` a subcommand even while it is the only one


class Output(StrEnum):
    toml = "toml"
    json = "json"


@app.command("draft", help=f"读取征集通知（{ACCEPTED_LABEL}），生成可校验的规则草稿 TOML，并列出待人工核对的字段。")
def draft(
    notice_file: Path = typer.Argument(..., metavar="NOTICE_FILE", help="征集通知文件"),
    out: Path = typer.Option(None, "--out", "-o", help="输出文件；默认为当前目录下的 <id>.toml；“-” 表示输出到屏幕"),
    output: Output = typer.Option(Output.toml, "--format", help="toml：规则草稿；json：草稿、待核对清单和每个值的来源"),
    campaigns_dir: Path = typer.Option(None, "--campaigns-dir", help="参照的已有规则目录（默认 corpora/campaigns）"),
    no_known: bool = typer.Option(False, "--no-known", help="不参照已有规则（不沿用往年的 id、别名和要素名称）"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件"),
) -> None:
    with user_errors():
        if not notice_file.is_file():
            raise UsageError(f"找不到通知文件：{notice_file}")
        known = [] if no_known else all_campaigns(campaigns_dir)
        result = draft_file(notice_file, filename=notice_file.name, known=known)
        text = result.toml() if output is Output.toml else json.dumps(result.to_json(), ensure_ascii=False, indent=2)
        target = out or Path(f"{result.id}.toml" if output is Output.toml else f"{result.id}.json")
        if str(target) == "-":
            sys.stdout.write(text)
        else:
            if target.exists() and not force:
                raise UsageError(f"输出文件 {target} 已存在；如需覆盖请加 --force。")
            target.write_text(text, encoding="utf-8")
        _report(result, None if str(target) == "-" else target)


def _report(result: Draft, target: Path | None) -> None:
    where = f"，已写入 {target}" if target else ""
    print(f"规则草稿 {result.id}{where}。", file=sys.stderr)
    if not result.valid:
        print("注意：草稿未通过规则校验，请先修正：", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
    print(f"待人工核对 {len(result.unsure)} 项：", file=sys.stderr)
    for item in result.unsure:
        print(f"  - {item.field}：{item.message}", file=sys.stderr)
