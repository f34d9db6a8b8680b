"""Calls for cases as data: the Campaign model, loading rulebooks, drafting one from a notice."""

from .loader import all_campaigns, get_campaign, load_campaign
from .model import Campaign, Category, Element, Material

__all__ = ["Campaign", "Category", "Element", "Material", "all_campaigns", "get_campaign", "load_campaign"]
