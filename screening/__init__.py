"""screening: pre-screening of application materials for broadcasting 典型案例 calls.

The public API, by the flow of DESIGN.md::

    load_document(file)  ->  Document
    get_campaign(id)     ->  Campaign (a rulebook from corpora/campaigns/)
    screen(document, campaign, category=..., material=...)  ->  Report

Everything else is reachable through its module (``screening.numbers``, ``screening.duplicates`` ...).
"""

from .campaigns import Campaign, all_campaigns, get_campaign
from .documents import Document, load_document
from .errors import InputError, ScreeningError
from .pipeline import screen, screen_file
from .report import Finding, Report

__all__ = [
    "Campaign", "Document", "Finding", "InputError", "Report", "ScreeningError",
    "all_campaigns", "get_campaign", "load_document", "screen", "screen_file",
]
__version__ = "0.1.0"
