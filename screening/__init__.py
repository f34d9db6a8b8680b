"""screening: pre-screening of application materials for broadcasting 典型案例 calls.

The public API, by the flow of DESIGN.md::

    services = Services.build(load_settings())      ->  Services (settings, rulebooks, models, archive; once)
    screen_source(services, file, filename=..., campaign_id=...)  ->  Screening (report + screened document)

or, step by step::

    load_document(file)  ->  Document
    get_campaign(id)     ->  Campaign (a rulebook from corpora/campaigns/)
    screen(document, campaign, services=..., category=..., material=...)  ->  Screening

Everything else is reachable through its module (``screening.numbers``, ``screening.duplicates`` ...).

The names above are imported on first use (PEP 562 ``__getattr__``), not when the package is: importing the pipeline
pulls in scikit-learn, SQLAlchemy and the document parsers (~1.5 s of a cold `screening campaigns`, which needs none
of them; bench/results/speed.md). ``from screening import screen`` works as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "Campaign": ".campaigns",
    "all_campaigns": ".campaigns",
    "get_campaign": ".campaigns",
    "Document": ".documents",
    "load_document": ".documents",
    "InputError": ".errors",
    "ScreeningError": ".errors",
    "screen": ".pipeline",
    "screen_source": ".pipeline",
    "Screening": ".pipeline",
    "ScreenInputs": ".pipeline",
    "Services": ".services",
    "load_settings": ".config",
    "Finding": ".report",
    "Report": ".report",
}

if TYPE_CHECKING:
    from .campaigns import Campaign, all_campaigns, get_campaign
    from .config import load_settings
    from .documents import Document, load_document
    from .errors import InputError, ScreeningError
    from .pipeline import Screening, ScreenInputs, screen, screen_source
    from .report import Finding, Report
    from .services import Services

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    """Import a public name's module on first access (an unknown name raises, so ``from screening import db``
    still falls through to the submodule import)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'screening' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value
