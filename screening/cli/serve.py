"""``screening serve``: the API and web page under uvicorn.

``--workers N`` starts N worker processes behind one port. Each runs the whole app, including one batch worker
thread that takes items from the queue in the database (``screening.batch.worker``); so N processes here, or one process
on each of N machines pointed at the same PostgreSQL (``SCREENING_DATABASE_URL``), share batches the same way. With
the default SQLite file, several workers on one machine also work (WAL; writers wait for each other); several
machines need PostgreSQL. Throughput measured with 1 and 2 workers: ``bench/results/scale.md``.
"""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, help="端口"),
    workers: int = typer.Option(
        1, min=1, help="工作进程数（每个进程都处理自查请求和批量预审队列；建议不超过 CPU 核数）"
    ),
) -> None:
    import uvicorn

    uvicorn.run("api.app:app", host=host, port=port, workers=workers, log_level="info")
