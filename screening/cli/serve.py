"""``screening serve``: the API and web page under uvicorn."""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, help="端口"),
    workers: int = typer.Option(1, help="工作进程数"),
) -> None:
    import uvicorn

    uvicorn.run("api.app:app", host=host, port=port, workers=workers, log_level="info")
