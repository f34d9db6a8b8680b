"""``screening train``: refit the category models from corpora/training, the rulebooks and the labelled archive."""

from __future__ import annotations

from pathlib import Path

import typer

from ..archive import get_archive
from ..category import MODEL_DIR, train
from ..embeddings import get_embedder
from ._common import user_errors

app = typer.Typer(help="重新训练类别建议模型，并写出模型说明（models/category/CARD.md）。", add_completion=False)


@app.callback(invoke_without_command=True)
def train_command(
    out: Path = typer.Option(MODEL_DIR, help="模型输出目录"),
    no_archive: bool = typer.Option(False, "--no-archive", help="不使用档案中带类别和正文的记录"),
    lexical_only: bool = typer.Option(False, "--lexical-only", help="只训练字词模型，不训练语义向量模型"),
) -> None:
    """重新训练类别建议模型。"""
    with user_errors():
        embedder = None if lexical_only else get_embedder()
        if embedder is None and not lexical_only:
            typer.echo("未找到语义向量模型，只训练字词模型（先运行 make embedding-model 可同时训练语义模型）。", err=True)
        cards = train(archive=None if no_archive else get_archive(), embedder=embedder, out_dir=out)
    for card in cards:
        typer.echo(f"{card['family']}（{card['model']}）：{card['examples']} 条训练样本，"
                   f"交叉验证准确率 {card['cv_accuracy']:.0%}，留出集准确率 {card['held_out_accuracy']:.0%}")
    typer.echo(f"模型与说明已写入 {out}。")
