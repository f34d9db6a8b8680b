"""The duplicates suites' fixtures: a test's own archive and a check context over it (helpers:
``tests.duplicates.helpers``)."""

import pytest

from screening import db
from screening.archive import Archive
from screening.campaigns import get_campaign
from screening.checks.base import CheckContext, ScreenInputs
from screening.documents.model import Document
from screening.duplicates import index as index_module
from screening.services import Services


@pytest.fixture
def archive(tmp_path):
    return Archive(db.get_engine(f"sqlite:///{tmp_path / 'archive.db'}"), seed=False)


@pytest.fixture
def make_ctx(archive):
    def make(
        text: str,
        *,
        campaign_id: str,
        category: str | None,
        name: str = "",
        unit: str = "",
        duplicate_index=None,
        exclude_record_ids=(),
    ):
        if duplicate_index is not None:  # the check looks the archive's index up: make it this one
            index_module._indexes[archive] = duplicate_index
        campaign = get_campaign(campaign_id)
        doc = Document(text=text, blocks=[], sections=[], format="txt", title=name or None)
        return CheckContext(
            document=doc,
            campaign=campaign,
            material=campaign.default_material,
            category=campaign.category(category) if category else None,
            declared_category=category,
            services=Services.over(archive),  # this test's archive, not the seeded settings' one
            inputs=ScreenInputs(case_name=name, unit=unit, exclude_record_ids=frozenset(exclude_record_ids)),
        )

    return make
