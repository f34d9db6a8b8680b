"""The real case write-ups in ../shared/cases, read one way for every benchmark.

Each file opens with ``# source/path/license/title`` lines about where it came from. They are not part of the
write-up, and every file shares most of them, so a benchmark that kept them would measure our metadata: the
in-batch duplicate check, for one, found every pair of cases "similar" through those shared lines. ``case_text``
drops them (and blank lines). The texts are read from ../shared at run time and never copied into the repository.
"""

from __future__ import annotations

import csv
from pathlib import Path

CASES = Path(__file__).resolve().parent.parent.parent / "shared" / "cases"


def available() -> bool:
    return CASES.is_dir()


def case_files() -> list[Path]:
    """The numbered write-ups (``001.txt`` …), in order; empty when ../shared/cases is absent."""
    return sorted(CASES.glob("[0-9][0-9][0-9].txt")) if available() else []


def case_text(path: Path) -> str:
    """A write-up without its ``#`` metadata header and blank lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.strip() and not line.startswith("#"))


def case_texts(*, min_chars: int = 500) -> list[str]:
    """Every write-up's text (``case_text``) longer than ``min_chars``, in order; empty without ../shared/cases."""
    return [text for text in map(case_text, case_files()) if len(text) > min_chars]


def labels() -> list[dict[str, str]]:
    """The annotators' rows of ``labels.csv`` (file, category, category_A/B, e1…e6 …)."""
    with (CASES / "labels.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
