"""``screening train``: refit the category models from corpora/training, the rulebooks, the labelled archive and,
with ``--cases DIR`` (a folder with ``labels.csv``, e.g. ../shared/cases), labelled case write-ups. The shipped models
are trained with ``screening train --cases ../shared/cases``; without ``--cases`` the card says so and
the mismatch warning falls back to a fixed threshold. The category models' embedding head is fitted with the static
embedding ``screening.embeddings.POLICY`` names for the category use (built at setup); without it the command says
so and those models are words only.

The element model (``models/elements/``) is not trained here: it learns from drafts that bench/drafts.py cuts from
../shared/cases at bench time (case prose that must never ship), so it is rebuilt with
``nice .venv/bin/python -m bench.elements train`` and measured with ``python -m bench.elements cv``."""

from __future__ import annotations

from pathlib import Path

import typer

from ..archive import get_archive
from ..category import MODEL_DIR
from ..category_training import train
from ..config import load_settings
from ..embeddings import POLICY, embedder_for
from ._common import user_errors

app = typer.Typer(help="重新训练类别建议模型，并写出模型说明（models/category/CARD.md）。", add_completion=False)


@app.callback(invoke_without_command=True)
def train_command(
    out: Path = typer.Option(MODEL_DIR, help="模型输出目录"),
    no_archive: bool = typer.Option(False, "--no-archive", help="不使用档案中带类别和正文的记录"),
    cases: Path = typer.Option(
        None,
        "--cases",
        help="带 labels.csv 的已标注案例目录（如 ../shared/cases）；模型只保留从中学到的权重和词表，不保存原文",
    ),
) -> None:
    """重新训练类别建议模型。"""
    if cases is not None and not (cases / "labels.csv").is_file():
        typer.echo(f"目录 {cases} 中没有 labels.csv，无法读取已标注案例。", err=True)
        raise typer.Exit(2)
    if cases is None:
        typer.echo("未指定 --cases：只用自编训练文本、通知类别说明和档案记录训练，类别不符提示使用固定阈值。", err=True)
    settings = load_settings()
    embedder = embedder_for("category", settings.model_dir)
    if embedder is None:
        typer.echo(
            f"未加载语义向量模型（{POLICY['category']}）：类别模型只用字词特征训练，不含语义向量部分。", err=True
        )
    with user_errors():
        cards = train(
            archive=None if no_archive else get_archive(settings.database_url),
            cases_dir=cases,
            out_dir=out,
            command=_command_line(no_archive, cases),
            embedder=embedder,
        )
    for card in cards:
        line = (
            f"{card['family']}（{card['model']}）：{card['examples']} 条训练样本（不含案例），"
            f"交叉验证准确率 {card['cv_accuracy']:.0%}，留出集准确率 {card['held_out_accuracy']:.0%}"
        )
        if cv := card.get("cases_cv"):
            line += (
                f"；已标注案例 {cv['n']} 篇，分组交叉验证首选准确率 {cv['top1']:.0%}"
                f"（多数类基线 {cv['majority_top1']:.0%}），类别不符提示阈值 {card['confident']}"
            )
        if cv := card.get("cases_cv_combined"):
            line += f"；加语义向量后首选准确率 {cv['top1']:.0%}（语义向量部分 C={card['head_c']:g}）"
        typer.echo(line)
    typer.echo(f"模型与说明已写入 {out}。")


def _command_line(no_archive: bool, cases: Path | None) -> str:
    """The command as the card should show it, so the models can be rebuilt exactly."""
    parts = ["screening train"] + (["--no-archive"] if no_archive else [])
    return " ".join(parts + ([f"--cases {cases}"] if cases is not None else []))
