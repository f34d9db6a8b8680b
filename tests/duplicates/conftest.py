import pytest

from screening import db
from screening.archive import Archive
from screening.campaigns import get_campaign
from screening.checks.base import CheckContext
from screening.documents.model import Document


@pytest.fixture
def archive(tmp_path):
    return Archive(db.get_engine(f"sqlite:///{tmp_path / 'archive.db'}"), seed=False)


@pytest.fixture
def make_ctx(archive):
    def make(text: str, *, campaign_id: str, category: str | None, name: str = "", unit: str = "", **options):
        campaign = get_campaign(campaign_id)
        doc = Document(text=text, blocks=[], sections=[], format="txt", title=name or None)
        return CheckContext(document=doc, campaign=campaign, material=campaign.default_material,
                            category=campaign.category(category) if category else None, declared_category=category,
                            options={"archive": archive, "duplicates_embedder": None, "unit": unit, "case_name": name,
                                     **options})

    return make
