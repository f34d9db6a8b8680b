"""Reusing what earlier rulebooks already settled: ids, aliases, element names and cue words.

Category ids are shared across years (``mechanism`` is 体制机制改革 in 2024 and 创新发展机制 in 2025) so archive
records match across calls; the drafter keeps that promise by looking new names up in the rulebooks it is given.
A category matches by name or alias. An element matches when an earlier element's short name is (nearly) a
condensation of this notice's item: at least 85% of the short name's characters appear, in order, in the item
(``可借鉴性与发展潜力`` in ``可借鉴性、可推广性，及未来发展潜力``). That threshold keeps ``问题困难及破解办法`` from
renaming ``创新工作中遇到的问题及破解办法``, whose own short name is ``问题及破解办法``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Campaign, Category, Element

_CONTAINED = 0.85
_CUE_OVERLAP = 0.3
_MAX_ITEM = 200


@dataclass(frozen=True)
class Known:
    campaigns: tuple[Campaign, ...] = ()

    @property
    def categories(self) -> list[Category]:
        return [c for campaign in self.campaigns for c in campaign.categories]

    def category(self, name: str) -> Category | None:
        """An earlier category with this name or alias (newest rulebook first)."""
        return next((c for c in self.categories if c.matches(name)), None)

    def similar_category(self, definition: str, *, family: str) -> tuple[Category, float] | None:
        """The earlier category of the same series whose cue words occur most in this definition, when enough do.

        Only the same series: 生态建设 (智慧广电示范案例) and 政务商务新服务 (智慧广电网络新服务) share half their
        cue words but are different categories of different calls.
        """
        best = None
        same_series = [c for campaign in self.campaigns if campaign.family == family for c in campaign.categories]
        for cat in same_series:
            if not cat.cues:
                continue
            share = sum(cue in definition for cue in cat.cues) / len(cat.cues)
            if share >= _CUE_OVERLAP and (best is None or share > best[1]):
                best = (cat, share)
        return best

    def elements(self) -> list[Element]:
        seen: dict[str, Element] = {}
        for cat in self.categories:
            for el in cat.elements:
                seen.setdefault(el.name, el)
        return list(seen.values())

    def element_named_for(self, item: str, core: str) -> Element | None:
        """An earlier element whose short name condenses ``item``: the most fully contained one, then the closest to
        ``core`` (so 成效与反响 does not take the item 取得的成效成果与社会反响 from 成效成果与社会反响)."""
        scored = []
        item = item[:_MAX_ITEM]  # real items are short; the bound keeps a malformed "item" from costing seconds
        for el in self.elements():
            contained = lcs(el.name, item) / len(el.name)
            if contained >= _CONTAINED:
                scored.append((contained, dice(el.name, core), el))
        return max(scored, key=lambda t: (t[0], t[1]))[2] if scored else None

    def element_like(self, core: str) -> Element | None:
        """The earlier element with the most cue words inside ``core`` (to borrow its id and cues)."""
        best, hits = None, 0
        for el in self.elements():
            n = sum(cue in core for cue in el.cues)
            if n > hits:
                best, hits = el, n
        return best

    def material_id(self, name: str) -> str | None:
        for campaign in self.campaigns:
            for m in campaign.materials:
                if m.name == name or (m.form_field and m.form_field == name):
                    return m.id
        return None

    def family_of(self, core_name: str) -> Campaign | None:
        """An earlier call of the same series: its name, without year and scope words, matches this one's."""
        return next((c for c in self.campaigns if series_name(c.name) == core_name), None)

    def id_prefix(self, issuer: str) -> str | None:
        """``nrta`` for 国家广播电视总局办公厅, from an earlier rulebook id of the same issuer."""
        for c in self.campaigns:
            if c.issuer == issuer and f"-{c.year}-" in c.id:
                return c.id.split(f"-{c.year}-")[0]
        return None


def series_name(name: str) -> str:
    """The series a call belongs to, e.g. 广播电视媒体融合典型案例 from any year's and any scope's name."""
    import re

    name = re.sub(r"[（(][^）)]{0,40}[)）]|20\d{2}年度?|全国|全省|[“”\"]", "", name)
    return re.sub(r"(?:征集|推选|评选|和|及|工作|活动)+$", "", name)


def lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence of two short strings."""
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0]
        for j, other in enumerate(b):
            cur.append(prev[j] + 1 if ch == other else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def dice(a: str, b: str) -> float:
    return 2 * lcs(a, b) / (len(a) + len(b)) if a or b else 1.0
