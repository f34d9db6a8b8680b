"""Drafting a rulebook from a new call's notice: ``screening notice draft NOTICE.(txt|pdf|docx)``.

Every spring a notice arrives with changed categories, elements, limits and quotas; a bureau should not wait for a
developer to turn it into ``corpora/campaigns/<id>.toml``. The drafter reads the notice and writes a rulebook that
validates against :class:`~screening.campaigns.model.Campaign`, so it can be loaded as soon as a person has checked it:

- each value it read keeps the clause and the span of the notice it came from (``Draft.sources``);
- each value it could not determine gets a visible placeholder (``待填写``, ``new-…`` ids) and, like every value it
  is unsure of, an entry in ``Draft.unsure``;
- both travel in the TOML as comments (see ``drafting/toml_out.py``), because the model forbids extra keys: the
  file opens with the review list, and every doubtful field carries a ``# TODO(人工核对)`` line.

Earlier rulebooks are used as a dictionary, not as a template: a category or element that already has an id, aliases
and cue words keeps them (so archive records match across years), while every name, limit, date and quota is read
from the new notice alone. Pass ``known=()`` to draft from the notice with no earlier rulebooks at all.

A bureau's forwarding notice is drafted as what it is (``drafting/forwarding.py``): when the letter sets its own
quotas, the rulebook is the bureau's call (its issuer, number, deadline and per-level quotas; the forwarded call as
``origin_issuer`` / ``origin_notice``); when it only passes the call on, the rulebook is the forwarded call with the
bureau as ``forwarded_by``.

The pieces, one module each under ``drafting/``: ``text`` (normalised view with offsets) → ``outline`` (clauses) →
``forwarding`` → ``header`` (with ``deadlines``), ``categories``, ``elements``, ``materials``, ``quotas``,
``eligibility``, ``criteria``, ``data`` → ``toml_out``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..documents import Limits, load_document
from ..documents.model import Document
from ..errors import RulebookError
from .drafting.categories import read_categories
from .drafting.criteria import read_criteria
from .drafting.data import read_data
from .drafting.elements import read_elements
from .drafting.eligibility import read_eligibility
from .drafting.export import read_export
from .drafting.forwarding import Forwarding, read_forwarding
from .drafting.header import Header, read_header
from .drafting.known import Known, series_name
from .drafting.materials import read_materials
from .drafting.notes import PLACEHOLDER, Evidence, Notes, Unsure, format_path
from .drafting.quotas import read_quotas, sets_quotas
from .drafting.reading import Notice
from .drafting.toml_out import dumps
from .loader import all_campaigns
from .model import Campaign

# Real notices run to 5,000–25,000 characters (attachments included); the cap bounds the time a hostile upload costs.
MAX_NOTICE_CHARS = 200_000


@dataclass
class Draft:
    """A drafted rulebook: its data (TOML-ready), where each value came from, and what a person must check."""

    data: dict
    sources: dict[tuple, Evidence]
    unsure: list[Unsure]
    source_name: str = ""
    problems: list[str] = field(default_factory=list)  # validation errors, if the draft does not validate

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def valid(self) -> bool:
        return not self.problems

    def toml(self) -> str:
        header = [
            f"{self.data['name']}（{self.data['notice_number']}）—— 规则草稿",
            f"由 `screening notice draft` 从 {self.source_name or '通知'} 自动起草，尚未经人工核对。",
            "“来源”注释给出每个值所依据的通知条款和原文位置 [起:止]（按读入文本的字符偏移）；",
            "“TODO(人工核对)”注释标出需要人工确认或改写的字段。核对完成后删去这些注释，文件名须与 id 一致。",
        ]
        return dumps(self.data, sources=self.sources, doubts=self.unsure, header=header)

    def campaign(self) -> Campaign:
        """The draft as a validated Campaign (raises RulebookError naming the bad fields)."""
        try:
            return Campaign.model_validate(tomllib.loads(self.toml()))
        except (ValidationError, tomllib.TOMLDecodeError) as exc:
            raise RulebookError(f"规则草稿未通过校验：{exc}") from exc

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "filename": f"{self.id}.toml",
            "valid": self.valid,
            "problems": self.problems,
            "toml": self.toml(),
            "unsure": [u.to_dict() for u in self.unsure],
            "sources": [{"field": format_path(p), **e.to_dict()} for p, e in self.sources.items()],
        }


def draft_file(
    source: Path | bytes, *, filename: str, known: Sequence[Campaign] | None = None, limits: Limits | None = None
) -> Draft:
    """Draft from a notice file (any type ``screening.filetypes`` lists, as a path or its bytes); unreadable files
    raise InputError."""
    return draft_document(load_document(source, filename=filename, limits=limits), known=known)


def draft_document(doc: Document, *, known: Sequence[Campaign] | None = None) -> Draft:
    return draft_rulebook(doc.text, source=doc.filename, known=known)


def draft_rulebook(text: str, *, source: str = "", known: Sequence[Campaign] | None = None) -> Draft:
    """Draft a rulebook from a notice's text. ``known`` defaults to the rulebooks in ``corpora/campaigns/``."""
    notes = Notes()
    earlier = Known(tuple(_default_known(notes) if known is None else known))
    if len(text) > MAX_NOTICE_CHARS:
        notes.unsure((), f"通知文本过长（{len(text)} 字符），只读取了前 {MAX_NOTICE_CHARS} 字符，请核对是否遗漏。")
        text = text[:MAX_NOTICE_CHARS]
    notice = Notice(text)
    forwarding = read_forwarding(notice)
    local = forwarding is not None and sets_quotas(notice, 0, forwarding.letter_end)
    header = read_header(notice, notes, forwarding, local=local)
    data = _identity(header, earlier, notes)
    categories = read_categories(notice, earlier, notes, family=data["family"])
    specified, elements_note, elements_for = read_elements(notice, categories, earlier, notes)
    data.update(
        {
            "summary": "",
            "source": source or PLACEHOLDER,
            "elements_specified": specified,
            "elements_note": elements_note or None,
            "dates": header.dates,
            "materials": read_materials(
                notice, earlier, notes.at("materials"), elements_for=elements_for, elements_specified=specified
            ),
            "data": read_data(notice, notes.at("data")),
            "quotas": _quotas(notice, notes.at("quotas"), forwarding if local else None),
            "eligibility": read_eligibility(notice, notes.at("eligibility")),
            "criteria": read_criteria(notice, notes.at("criteria")),
            "export": read_export(notice, notes.at("export")),
            "categories": categories,
        }
    )
    data["summary"] = _summary(data)
    notes.unsure("summary", "摘要按模板生成，请核对并改写。")
    if not source:
        notes.unsure("source", "请填写通知来源（文件名或网址）。")
    draft = Draft(data, notes.sources, _ordered(notes.doubts), source_name=source)
    draft.problems = _problems(draft)
    return draft


def _identity(header: Header, known: Known, notes: Notes) -> dict:
    """id, name, short name, family, year and level: the family and id come from an earlier call of the series."""
    series = series_name(header.name)
    earlier = known.family_of(series)
    year = header.year or 0
    if earlier is not None:
        family = earlier.family
    else:
        family = PLACEHOLDER
        notes.unsure("family", f"“{series}”是新的征集系列，请填写系列英文名（如 media-convergence）。")
    prefix = known.id_prefix(header.issuer)
    if earlier is not None and prefix:
        campaign_id = f"{prefix}-{year}-{family}"
        same = next((c for c in known.campaigns if c.id == campaign_id), None)
        notes.unsure(
            "id",
            f"id 由发文机关简称“{prefix}”、年份和系列“{family}”拼成；保存时文件名须为 {campaign_id}.toml"
            + ("；已有同 id 的规则，保存前请逐项对照。" if same else "。"),
        )
    else:
        campaign_id = f"draft-{year}"
        notes.unsure(
            "id",
            "未能按已有规则生成 id，请改为“发文机关简称-年份-系列”（如 nrta-2026-media-convergence），文件名须一致。",
        )
    return {
        "id": campaign_id,
        "name": header.name,
        "short_name": _short_name(header.name, year),
        "family": family,
        "year": year,
        "level": header.level,
        "issuer": header.issuer,
        "notice_number": header.notice_number,
        "forwarded_by": header.forwarded_by,
        "forwarding_notice": header.forwarding_notice,
        "origin_issuer": header.origin_issuer,
        "origin_notice": header.origin_notice,
    }


def _quotas(notice: Notice, notes: Notes, local: Forwarding | None) -> dict:
    """The call's quotas; a bureau's own call takes its letter's quotas, which replace the forwarded call's.

    The forwarded call's caps bind the province as a whole towards the national body; the letter's caps bind the
    province's own units (省级 / 设区市 / 县级), who are the ones screening against this rulebook.
    """
    if local is None:
        return read_quotas(notice, notes)
    quotas = read_quotas(notice, notes, span=(0, local.letter_end))
    replaced = "转发单位另定本地名额，取代被转发通知对各省的名额。"
    quotas["note"] = f"{quotas['note']}{replaced}" if quotas.get("note") else replaced
    return quotas


def _short_name(name: str, year: int) -> str:
    core = series_name(name).replace("广播电视", "")
    scope = "全国" if "全国" in name else ""
    return f"{year or ''}{scope}{core}" or name


def _summary(data: dict) -> str:
    mats = "、".join(f"{m['name']}（≤{m['limit']}字）" if m.get("limit") else m["name"] for m in data["materials"])
    quotas = data["quotas"]
    quota_text = "设推荐名额上限" if quotas["specified"] else "未设推荐名额"
    deadline = data["dates"].get("deadline")
    parts = [f"{len(data['categories'])}个类别", f"提交{mats}", quota_text]
    if deadline:
        parts.append(f"{deadline.year}年{deadline.month}月{deadline.day}日截止")
    return f"{data['issuer']}的{data['short_name']}征集：" + "，".join(parts) + "。"


def _default_known(notes: Notes) -> list[Campaign]:
    try:
        return all_campaigns()
    except RulebookError as exc:
        notes.unsure((), f"已有规则无法读取，起草时未参照往年规则：{exc.message}")
        return []


def _ordered(doubts: list[Unsure]) -> list[Unsure]:
    """Top-level fields first, then in rulebook order, so the review list reads like the file."""
    order = [
        "id",
        "name",
        "family",
        "year",
        "level",
        "issuer",
        "notice_number",
        "forwarded_by",
        "origin_issuer",
        "origin_notice",
        "summary",
        "source",
        "dates",
        "elements_specified",
        "materials",
        "data",
        "quotas",
        "eligibility",
        "criteria",
        "categories",
    ]
    rank = {key: k for k, key in enumerate(order)}
    return sorted(doubts, key=lambda d: rank.get(str(d.path[0]) if d.path else "", -1))


def _problems(draft: Draft) -> list[str]:
    try:
        draft.campaign()
    except RulebookError as exc:
        return [line.strip() for line in re.split(r"\n", exc.message) if line.strip()]
    return []
