"""What the duplicates suites share besides fixtures."""

import dataclasses

from screening.checks.base import CheckContext


def excluding(ctx: CheckContext, *record_ids: int) -> CheckContext:
    """``ctx`` with the archive records ``record_ids`` left out of the comparison (a material's own earlier version)."""
    return dataclasses.replace(ctx, inputs=dataclasses.replace(ctx.inputs, exclude_record_ids=frozenset(record_ids)))
