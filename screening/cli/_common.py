"""What every command shares: the service built once from the environment, and Chinese errors on stderr with the
right exit code."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click
import typer

from ..errors import InternalError, ScreeningError

if TYPE_CHECKING:  # imported when a command builds it: `campaigns` and `--help` must not load numpy (issue 15)
    from ..services import Services

log = logging.getLogger(__name__)


def build_services(*, models: bool = True, archive: bool = True) -> Services:
    """The command's service: settings read from the environment here, once (``load_settings``), the models
    ``POLICY`` chose unless ``models`` is False (``--no-model``), and the archive at ``SCREENING_DATABASE_URL``
    (the default SQLite file when unset): what the duplicates check compares against, named, never implied."""
    from ..config import load_settings
    from ..services import Services

    return Services.build(load_settings(), models=models, archive=archive)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a ScreeningError into its Chinese message on stderr and its exit code (2 usage, 3 input). Anything else
    is a bug (never the user's file, ``screening.errors``): its traceback is logged, and the user reads
    ``InternalError``'s message and gets exit code 1."""
    try:
        yield
    except ScreeningError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
        raise  # typer's own ways out (an exit code chosen by the command, a usage error click reports)
    except Exception:
        log.exception("程序内部错误")
        print(f"错误：{InternalError.default_message}", file=sys.stderr)
        raise typer.Exit(InternalError.exit_code) from None
