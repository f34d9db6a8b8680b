"""What the service works with, built once at start and passed down explicitly: ``Services``.

``create_app(settings)`` builds one (``Services.build(settings)``), and so does each CLI command, from
``load_settings()``. Every screening receives it (``screening.pipeline.screen_source`` and ``screen``) and the
checks read it from their context (``ctx.services``): the rulebooks directory, the operator's limits, each use's
embedder and the archive the duplicates check compares against. Nothing below it reads the environment or a
module-level settings object, so two services in one process (tests, a bench) never see each other's database.

Trade-offs:

- The archive is opened on first use (``archive``), not at build: the service must start, and answer health, while
  its database is down. A service built with ``archive=False`` has none, and the duplicates check then says so in the
  report (degraded), never falling back to some other database.
- What a request needs is looked up on the service (the rulebooks by id, the limits), so a screening does not go
  back to the loaders. The heavy things stay cached per process, keyed by what they were built from: embedders by model folder
  (``screening.embeddings.get_embedder``), engines and archives by database URL (``screening.db``,
  ``screening.archive``), rulebooks by directory (``screening.campaigns.loader``), jieba and the lexicons by nothing
  (jieba's dictionary is global to the process; ``screening.nlp``). Building a second ``Services`` is therefore cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .config import DEFAULTS, Settings
from .embeddings import Embedders

if TYPE_CHECKING:
    from .archive import Archive
    from .campaigns.model import Campaign
    from .documents.guard import Limits


@dataclass
class Services:
    """Settings plus what is derived from them. ``Services()`` is the bare library service: the shipped rulebooks
    and defaults, no models (lexical features) and no archive (duplicates degraded)."""

    settings: Settings = DEFAULTS
    embedders: Embedders = field(default_factory=Embedders)
    use_archive: bool = False  # False: no archive; the duplicates check reports that it compared against nothing

    @classmethod
    def build(cls, settings: Settings, *, models: bool = True, archive: bool = True) -> Services:
        """The service over ``settings``: each use's embedder as ``screening.embeddings.POLICY`` chose it (unless
        ``models`` is False: ``--no-model``) and the archive at ``settings.database_url``."""
        embedders = Embedders.chosen(settings.model_dir) if models else Embedders()
        return cls(settings, embedders, use_archive=archive)

    @classmethod
    def over(cls, archive: Archive, **fields) -> Services:
        """A service whose archive is ``archive`` (an ``Archive`` already open, e.g. a test's or a bench's own
        database) rather than the one at ``settings.database_url``."""
        services = cls(use_archive=True, **fields)
        services.__dict__["archive"] = archive  # the cached_property's slot: ``archive`` then returns it
        return services

    @cached_property
    def archive(self) -> Archive | None:
        """The archive at ``settings.database_url``, opened (and seeded) on first use; None when not used."""
        if not self.use_archive:
            return None
        from .archive import get_archive  # late: SQLAlchemy is not needed to screen without an archive

        return get_archive(self.settings.database_url)

    @cached_property
    def limits(self) -> Limits:
        """The operator's per-file limits (size, pages, parse and OCR time)."""
        from .documents.guard import Limits

        return Limits.from_settings(self.settings)

    @cached_property
    def rulebooks(self) -> dict[str, Campaign]:
        """Every rulebook in ``settings.campaigns_dir`` by id, read on first use (a broken one raises
        ``RulebookError`` naming the file, and is read again next time)."""
        return {campaign.id: campaign for campaign in self.campaigns()}

    @property
    def category_model_dir(self) -> Path:
        """The category model's folder (``screening.category``) under ``settings.shipped_model_dir``."""
        return self.settings.shipped_model_dir / "category"

    @property
    def element_model_path(self) -> Path:
        """The learned element matcher's file (``screening.checks.element_model``) under
        ``settings.shipped_model_dir``; a service pointed at a folder without it runs elements on cue words."""
        return self.settings.shipped_model_dir / "elements" / "model.json"

    def campaign(self, campaign_id: str) -> Campaign:
        """The rulebook ``campaign_id`` (``CampaignNotFound``, naming the known ones, when there is none)."""
        found = self.rulebooks.get(campaign_id)
        if found is None:
            from .campaigns import get_campaign

            return get_campaign(campaign_id, self.settings.campaigns_dir)  # raises with the loader's message
        return found

    def campaigns(self) -> list[Campaign]:
        from .campaigns import all_campaigns

        return all_campaigns(self.settings.campaigns_dir)
