"""The pieces of the notice drafter (``screening.campaigns.draft``), one step each.

``text`` normalises the notice and keeps offsets back to it; ``outline`` finds its clauses; ``reading.Notice`` bundles
both for the extractors (``header``, ``categories``, ``elements``, ``materials``, ``quotas``, ``eligibility``,
``criteria``, ``data``), which build plain dictionaries and record sources and doubts in ``notes``; ``known`` looks
up earlier rulebooks; ``keywords`` picks cue words; ``unique`` keeps ids unique; ``toml_out`` writes the result.
"""
