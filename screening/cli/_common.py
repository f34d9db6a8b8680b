"""What every command shares: printing Chinese errors to stderr with the right exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from ..errors import ScreeningError


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a ScreeningError into its Chinese message on stderr and its exit code (2 usage, 3 input)."""
    try:
        yield
    except ScreeningError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None
