"""The check suites' fixture: the checks run on a document (helpers: ``tests.checks.helpers``)."""

import pytest

from screening.campaigns import get_campaign
from screening.checks import CHECKS
from screening.checks.base import CheckContext

from .helpers import typed
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
