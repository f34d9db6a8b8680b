"""Where things live and the operator's limits: ``load_settings()`` reads them from the environment, once.

Nothing else reads the environment. ``create_app(settings)`` and the CLI call ``load_settings()`` at start and build
one ``screening.services.Services`` from the result, which is passed down explicitly; there is no module-level
settings object. A library caller that passes nothing gets the shipped defaults (``DEFAULTS``), never the environment.

Every setting has a safe default so `make serve` works with nothing configured:

==============================  ===================================================  =================================
variable                        meaning                                              default
==============================  ===================================================  =================================
SCREENING_DATABASE_URL          SQLAlchemy URL of the archive / batches database     sqlite file var/screening.db
SCREENING_MODEL_DIR             built model artifacts (the embedding model folder)   var/models
SCREENING_CORPORA_DIR           rulebooks, lexicons, training texts                  corpora/ beside the package
SCREENING_MAX_FILE_MB           largest upload / file accepted                       20
SCREENING_MAX_PAGES             most pages parsed in one PDF                         300
SCREENING_PARSE_SECONDS         wall-clock budget for parsing one file               8
SCREENING_OCR_SECONDS           extra budget for OCR of a scanned PDF (all pages)    120
SCREENING_OCR_PAGES             most scanned (image-only) pages read by OCR          30
SCREENING_API_KEYS              bureau keys, ``key=机构名`` separated by commas          (none: bureau endpoints closed)
SCREENING_LEASE_SECONDS         how long a batch worker's claim on an item lasts     30
                                without a heartbeat (then any worker may take it)
SCREENING_REVIEWER_KEYS         reviewer keys, ``key=姓名:call1|call2`` (``*`` = all)   (none: review desk closed)
SCREENING_CONCURRENT_SCREENS    screenings one API process runs at once; the others  the CPU count, at least 2
                                wait their turn (api.capacity)
==============================  ===================================================  =================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
CORPORA_DIR = PROJECT_DIR / "corpora"  # shipped data: rulebooks, lexicons, training texts, prior selections
SHIPPED_MODEL_DIR = PROJECT_DIR / "models"  # committed models (category, elements), as opposed to built ones in var/


@dataclass(frozen=True)
class Settings:
    database_url: str
    model_dir: Path
    corpora_dir: Path
    max_file_bytes: int
    max_pages: int
    parse_seconds: float
    api_keys: dict[str, str]
    ocr_seconds: float = 120.0
    max_ocr_pages: int = 30
    # key -> (reviewer's name, campaign ids assigned, or ("*",) for all); see screening.review.roles
    reviewer_keys: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    lease_seconds: float = 30.0  # batch queue: see screening.batch.store
    shipped_model_dir: Path = SHIPPED_MODEL_DIR  # models/ (category, elements); tests may point it elsewhere
    concurrent_screens: int = max(2, os.cpu_count() or 2)  # API: see api.capacity

    @property
    def campaigns_dir(self) -> Path:
        return self.corpora_dir / "campaigns"


def _api_keys(raw: str) -> dict[str, str]:
    keys = {}
    for item in filter(None, (p.strip() for p in raw.split(","))):
        key, _, owner = item.partition("=")
        keys[key.strip()] = owner.strip() or key.strip()
    return keys


def _reviewer_keys(raw: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """``key=姓名:call1|call2`` items separated by commas; ``*`` assigns every call, no calls assigns none
    (least privilege: a reviewer whose calls were forgotten sees nothing rather than everything)."""
    keys = {}
    for item in filter(None, (p.strip() for p in raw.split(","))):
        key, _, spec = item.partition("=")
        name, _, calls = spec.partition(":")
        assigned = tuple(c.strip() for c in calls.split("|") if c.strip())
        keys[key.strip()] = (name.strip() or key.strip(), assigned)
    return keys


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    var = PROJECT_DIR / "var"
    return Settings(
        database_url=env.get("SCREENING_DATABASE_URL") or f"sqlite:///{var / 'screening.db'}",
        model_dir=Path(env.get("SCREENING_MODEL_DIR") or var / "models"),
        corpora_dir=Path(env.get("SCREENING_CORPORA_DIR") or CORPORA_DIR),
        max_file_bytes=int(float(env.get("SCREENING_MAX_FILE_MB", "20")) * 1024 * 1024),
        max_pages=int(env.get("SCREENING_MAX_PAGES", "300")),
        parse_seconds=float(env.get("SCREENING_PARSE_SECONDS", "8")),
        api_keys=_api_keys(env.get("SCREENING_API_KEYS", "")),
        ocr_seconds=float(env.get("SCREENING_OCR_SECONDS", "120")),
        max_ocr_pages=int(env.get("SCREENING_OCR_PAGES", "30")),
        reviewer_keys=_reviewer_keys(env.get("SCREENING_REVIEWER_KEYS", "")),
        lease_seconds=max(1.0, float(env.get("SCREENING_LEASE_SECONDS", "30"))),
        concurrent_screens=max(1, int(env.get("SCREENING_CONCURRENT_SCREENS") or max(2, os.cpu_count() or 2))),
    )


DEFAULTS = load_settings({})  # the documented defaults (no environment): for library calls that pass no settings
