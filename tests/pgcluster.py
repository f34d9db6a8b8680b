"""A throwaway PostgreSQL cluster for the tests and benchmarks: the real server, never a mock.

``PgCluster.start()`` finds the server binaries (``/usr/lib/postgresql/*/bin``, newest first, or ``$SCREENING_PG_BIN``),
runs ``initdb`` in a fresh temporary folder, starts ``postgres`` on a free localhost port and waits until it accepts
connections; ``stop()`` stops it and removes the folder. ``restart()`` keeps the data and the port (the fault tests
restart the database under running workers). Each test gets its own database (``new_database``), so tests never see
each other's rows.

PostgreSQL refuses to run as root, and CI runs as root: then every server command runs as the ``postgres`` OS user
(created by Debian's package) through ``runuser``, in a folder that user owns. ``fsync=off`` (the cluster is
thrown away; only an OS crash would lose data) makes the suite faster; commits stay synchronous, so a server killed
with ``restart(mode="immediate")`` keeps every committed row, as a real one does.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

BACKENDS = ["sqlite", "postgresql"]
SUPERUSER = "screening"
RUN_AS_WHEN_ROOT = "postgres"


def find_bin_dir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None."""
    configured = os.environ.get("SCREENING_PG_BIN")
    if configured:
        return Path(configured) if _complete(Path(configured)) else None
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_major_version, reverse=True):
        if _complete(Path(candidate)):
            return Path(candidate)
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path and _complete(Path(on_path).parent) else None


def _complete(folder: Path) -> bool:
    return all((folder / name).exists() for name in ("initdb", "pg_ctl", "postgres"))


def _major_version(path: str) -> int:
    part = Path(path).parent.name
    return int(part) if part.isdigit() else 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_folder() -> str | None:
    """/dev/shm when it is a writable folder (tmpfs on Debian), else None (the default temporary folder).

    Every test database is a copy of template1 (~1,000 files); at the end of a run the cluster's folder held tens of
    thousands of them, and deleting it took 45-60 s of the default run on this machine's disk (ext4 mounted with
    ``discard``: each unlink trims). In memory it takes well under a second, and the few hundred MB are freed at once.
    """
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class PgCluster:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder: Path | None = None
        self.port = 0
        self._run_as: list[str] = []

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> PgCluster:
        self.folder = Path(tempfile.mkdtemp(prefix="screening-pg-", dir=memory_folder()))
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(RUN_AS_WHEN_ROOT)
            except KeyError:
                raise RuntimeError(
                    f"以 root 运行测试时需要系统用户 {RUN_AS_WHEN_ROOT}（Debian 的 postgresql 软件包会创建它）："
                    "PostgreSQL 不允许以 root 身份运行。"
                ) from None
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._run_as = ["runuser", "-u", RUN_AS_WHEN_ROOT, "--"]
        self._server(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        self.port = free_port()
        self._pg_ctl_start()
        return self

    def _pg_ctl_start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c max_connections=400 "
            "-c fsync=off -c full_page_writes=off -c shared_buffers=32MB"
        )
        self._server(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate`` = like a crash) and keep the data."""
        self._server("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def restart(self, *, down_seconds: float = 0.0, mode: str = "immediate") -> None:
        self.stop(mode)
        time.sleep(down_seconds)
        self._pg_ctl_start()

    def destroy(self) -> None:
        if self.folder is None:
            return
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already down
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def new_database(self) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log_tail(self, chars: int = 3000) -> str:
        path = self.folder / "server.log" if self.folder else None
        return path.read_text(errors="replace")[-chars:] if path and path.exists() else ""

    def _server(self, program: str, *args: str) -> None:
        command = [*self._run_as, str(self.bin_dir / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if done.returncode != 0:
            raise subprocess.CalledProcessError(
                done.returncode, command, done.stdout, f"{done.stderr}\n{self.log_tail()}"
            )


MISSING_MESSAGE = (
    "未找到 PostgreSQL 服务器程序（/usr/lib/postgresql/*/bin/initdb、pg_ctl、postgres）："
    "请安装 Debian 的 postgresql 软件包（make test 会自动安装），或设置 SCREENING_PG_BIN。"
)


def fresh_url(backend: str, request, folder: Path) -> str:
    """An empty database of ``backend`` for a test (``request``: pytest's, of any scope; the ``pg_cluster`` fixture
    comes from ``tests/conftest.py``); its pooled connections are closed when that scope ends."""
    from screening import db

    if backend == "sqlite":
        url = f"sqlite:///{folder / 'test.db'}"
    else:
        url = request.getfixturevalue("pg_cluster").new_database()
    request.addfinalizer(lambda: db.dispose_engine(url))
    return url
