"""The ``screening`` command: one Typer app assembled from one module per command group.

Exit codes (DESIGN.md): 0 screened (whatever the verdict), 2 usage error, 3 unreadable or rejected input; the Chinese
message goes to stderr. Each module owns its commands; this file only mounts them.

Mounting is lazy: a command's module is imported only when that command runs (or its own ``--help`` is asked for).
``screening --help`` and ``screening campaigns`` used to import every command module, and through them the pipeline,
scikit-learn, SQLAlchemy and the PDF worker: 2.2 s for a table of four rows. The listing reads the help strings in
``COMMANDS`` below instead, so keep them in step with the modules (tests/cli/test_lazy.py checks that every entry
resolves to a real command).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import typer
from typer.core import TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives: ``module`` (under screening.cli) and ``attr``, either a function (mounted with
    ``app.command``) or a ``typer.Typer`` (mounted like ``app.add_typer``)."""

    module: str
    attr: str
    help: str


COMMANDS: dict[str, LazyCommand] = {
    "campaigns": LazyCommand("campaigns", "campaigns", "列出征集活动；给出编号时显示该活动的规则。"),
    "serve": LazyCommand("serve", "serve", "启动 API 和网页（默认 127.0.0.1:8000，SQLite 数据库）。"),
    "check": LazyCommand("check", "app", "预审一份或多份材料：字数、要素、数据、主观表述、类别、重复。"),
    "batch": LazyCommand("batch", "app", "省局批量预审：逐份报告、汇总、名额检查和推荐排序表。"),
    "archive": LazyCommand("archive", "app", "往届入选案例与已存档申报材料：导入、查看、导出。"),
    "notice": LazyCommand("notice", "app", "从新的征集通知起草规则文件。"),
    "train": LazyCommand("train", "app", "重新训练类别建议模型并写出模型说明。"),
}


class LazyGroup(TyperGroup):
    """A group whose listing shows placeholders (name and help only) and whose commands are built on resolution."""

    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        for name, spec in COMMANDS.items():
            self.commands.setdefault(name, typer.core.TyperCommand(name=name, help=spec.help))
        self._loaded: set[str] = set()

    def resolve_command(self, ctx, args):
        if args and args[0] in COMMANDS:
            self.load(args[0])
        return super().resolve_command(ctx, args)

    def load(self, name: str):
        """The real click command for ``name`` (imported and built once)."""
        if name not in self._loaded:
            self.commands[name] = build_command(name)
            self._loaded.add(name)
        return self.commands[name]


def build_command(name: str):
    """Import ``COMMANDS[name]``'s module and turn its function or Typer app into a click command named ``name``."""
    spec = COMMANDS[name]
    target = getattr(importlib.import_module(f"{__name__}.{spec.module}"), spec.attr)
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)
    else:
        holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        holder.command(name, help=spec.help)(target)
        command = typer.main.get_command(holder)
    command.name, command.help = name, spec.help
    return command


app = typer.Typer(
    name="screening",
    help="典型案例申报材料预审：字数、必备要素、数据、类别、重复申报。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


@app.callback()
def main() -> None:
    """典型案例申报材料预审：字数、必备要素、数据、类别、重复申报。"""
