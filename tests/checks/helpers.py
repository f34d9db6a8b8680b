"""What the check suites share besides fixtures: the finding codes of a result, and the tests' shorthand for what a
check may use (``typed``)."""

from screening.checks.base import ScreenInputs
from screening.embeddings import Embedders
from screening.services import Services


def typed(options: dict) -> dict:
    """The tests' shorthand (``embedder``: the elements check's embedder, ``submitted_on``, ``companion``) as the
    context's typed fields."""
    embedders = Embedders(elements=options.get("embedder"))
    inputs = ScreenInputs(submitted_on=options.get("submitted_on"), companion=options.get("companion"))
    return {"services": Services(embedders=embedders), "inputs": inputs}


def codes(result, severity=None):
    return [f.code for f in result.findings if severity is None or f.severity == severity]
