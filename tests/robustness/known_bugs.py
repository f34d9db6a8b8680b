"""Bugs this suite found in modules owned by others and not fixed yet, by hostile case name.

The tests mark these cases ``xfail(strict=True)``: when the owner fixes the bug the case passes, strict turns that
into a failure, and the entry here is to be deleted. Each reason names the file, the input and what is expected.
"""

from __future__ import annotations

import pytest

KNOWN_BUGS: dict[str, str] = {}


def marked(cases) -> list:
    """Hostile cases as pytest params named after the case, the known bugs marked strict xfail."""
    return [
        pytest.param(
            case,
            id=case.name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case.name])] if case.name in KNOWN_BUGS else [],
        )
        for case in cases
    ]
