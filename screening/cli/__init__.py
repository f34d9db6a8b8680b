"""The ``screening`` command: one Typer app assembled from one module per command group.

Exit codes (DESIGN.md): 0 screened (whatever the verdict), 2 usage error, 3 unreadable or rejected input; the Chinese
message goes to stderr. Each module owns its commands; this file only mounts them.
"""

from __future__ import annotations

import typer

from . import campaigns, serve

app = typer.Typer(
    name="screening",
    help="典型案例申报材料预审：字数、必备要素、数据、类别、重复申报。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("campaigns", help="列出征集活动；给出编号时显示该活动的规则。")(campaigns.campaigns)
app.command("serve", help="启动 API 和网页（默认 127.0.0.1:8000，SQLite 数据库）。")(serve.serve)
