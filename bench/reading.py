"""Writing a results file: the run rewrites what it generated and keeps the reading written by hand below it.

A file in bench/results is two parts. Above: what the bench printed (command, date, machine, load at start, the
figures). Below, from the first heading ``HAND_WRITTEN`` recognises: what an engineer wrote after reading a run
(which figures are in-sample, what was tried, why a threshold is where it is). ``make bench`` re-runs everything, so
a bench that wrote its file from scratch would erase that reading; ``write`` puts it back unchanged. Its heading
names the run it reads, so a reading older than the figures above it shows as such.
"""

from __future__ import annotations

import re
from pathlib import Path

# "## Reading these numbers (written by hand ...)", "## Notes (written by hand ...)", "## Decisions (written by hand",
# "## Reading (issue 13 ...)": the headings used so far.
HAND_WRITTEN = re.compile(r"^## (Reading\b.*|.*\(written by hand.*)$", re.MULTILINE)


def hand_written(path: Path) -> str:
    """The hand-written part of ``path`` (from its heading to the end), or "" if it has none or does not exist."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    found = HAND_WRITTEN.search(old)
    return old[found.start() :] if found else ""


def write(path: Path, generated: str) -> str:
    """Write ``generated`` to ``path`` followed by the file's earlier hand-written part; return the whole text."""
    kept = hand_written(path)
    text = generated.rstrip("\n") + "\n" + ("\n" + kept if kept else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text
