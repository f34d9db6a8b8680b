"""The content checks, one module per check, each ``run(ctx: CheckContext) -> CheckResult`` (see ``base.py``).

:data:`CHECKS` is the order the pipeline runs them in; a later check may read an earlier one's result from
``ctx.results`` (quantities reads the element spans, claims reads the quantities), never the other way round.
"""

from . import claims, consistency, elements, eligibility, length, quantities, scan

CHECKS = (
    ("length", length.run),
    ("elements", elements.run),
    ("quantities", quantities.run),
    ("claims", claims.run),
    ("eligibility", eligibility.run),
    ("scan", scan.run),  # OCR confidence and the required seal (issue 16)
    ("consistency", consistency.run),  # Word vs stamped PDF, when both versions are given
)

__all__ = ["CHECKS"]
