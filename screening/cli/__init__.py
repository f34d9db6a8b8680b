"""The ``screening`` command: one Typer app assembled from one module per command group.

Exit codes (DESIGN.md): 0 screened (whatever the verdict), 2 usage error, 3 unreadable or rejected input; the Chinese
message goes to stderr. Each module owns its commands; this file only mounts them.
"""

from __future__ import annotations

import typer

from . import archive, batch, campaigns, check, notice, serve, train

app = typer.Typer(
    name="screening",
    help="典型案例申报材料预审：字数、必备要素、数据、类别、重复申报。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("campaigns", help="列出征集活动；给出编号时显示该活动的规则。")(campaigns.campaigns)
app.command("serve", help="启动 API 和网页（默认 127.0.0.1:8000，SQLite 数据库）。")(serve.serve)
app.add_typer(check.app, name="check", help="预审一份或多份材料：字数、要素、数据、主观表述、类别、重复。")
app.add_typer(batch.app, name="batch", help="省局批量预审：逐份报告、汇总、名额检查和推荐排序表。")
app.add_typer(archive.app, name="archive", help="往届入选案例与已存档申报材料：导入、查看、导出。")
app.add_typer(notice.app, name="notice", help="从新的征集通知起草规则文件。")
app.add_typer(train.app, name="train", help="重新训练类别建议模型并写出模型说明。")
