import pytest

from screening.campaigns import get_campaign
from screening.checks import CHECKS
from screening.checks.base import CheckContext, ScreenInputs
from screening.embeddings import Embedders
from screening.services import Services

from .materials import CAMPAIGN, CATEGORY


@pytest.fixture(scope="session")
def campaign():
    return get_campaign(CAMPAIGN)


@pytest.fixture
def run_checks(campaign):
    """Run the content checks (not category/duplicates) on a document; return the context with every result."""

    def run(document, *, category=CATEGORY, campaign=campaign, material=None, options=None):
        chosen = campaign.material(material) if material else campaign.default_material
        ctx = CheckContext(
            document=document,
            campaign=campaign,
            material=chosen,
            category=campaign.category(category) if category else None,
            declared_category=category,
            **typed(options or {}),
        )
        for name, check in CHECKS:
            ctx.results[name] = check(ctx)
        return ctx

    return run


def typed(options: dict) -> dict:
    """The tests' shorthand (``embedder``: the elements check's embedder, ``submitted_on``, ``companion``) as the
    context's typed fields."""
    embedders = Embedders(elements=options.get("embedder"))
    inputs = ScreenInputs(submitted_on=options.get("submitted_on"), companion=options.get("companion"))
    return {"services": Services(embedders=embedders), "inputs": inputs}


def codes(result, severity=None):
    return [f.code for f in result.findings if severity is None or f.severity == severity]
