"""screening: pre-screening of application materials for broadcasting 典型案例 calls.

The public API, by the flow of DESIGN.md::

    load_document(file)  ->  Document
    get_campaign(id)     ->  Campaign (a rulebook from corpora/campaigns/)
    screen(document, campaign, category=..., material=...)  ->  Report

Everything else is reachable through its module (``screening.numbers``, ``screening.duplicates`` ...).
"""

from .campaigns import Campaign, all_campaigns, get_campaign
from .errors import InputError, ScreeningError
from .report import Finding, Report

__all__ = ["Campaign", "Finding", "InputError", "Report", "ScreeningError", "all_campaigns", "get_campaign"]
__version__ = "0.1.0"
