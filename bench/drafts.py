"""Application-style drafts with exact element truth, generated at bench time from the case write-ups (issue 13).

Run ``.venv/bin/python -m bench.drafts`` for a census of what it makes (counts only; no text is printed or written).
Other bench scripts import ``generate(case_ids=..., seed=...) -> list[Draft]``; ``Draft.source`` is the case file
name, the unit of grouping for cross-validation. The drafts live in memory only: they are made of case prose, which
must never be written into the repository.

How a draft is made from a write-up (``../shared/cases/NNN.txt``, labelled in ``labels.csv`` against the 2025 call):

1. The write-up is cut into *blocks*: a block starts at a heading that names one of the call's elements for the
   case's labelled category (read with the product's own outline and ``heading_elements``, e.g. 案例概述 → 总体情况)
   and runs until the next such heading; sub-headings inside it (核心技术, 云上精编 …) stay inside. Text before the
   first block is the title. Block heads are the write-up's own 案例… lines; at least two elements must be named.
   Write-ups without such an outline (about a third) give no drafts; they are still scored as they are.
2. Variants, each with truth per element id (True present, False absent, None unknown — not scored):

   - ``notice``     — block headings replaced by the notice's element names, numbered (一、总体情况 …);
   - ``prose``      — every heading line removed, paragraphs only;
   - ``paraphrase`` — block headings in other words, chosen to avoid the cue words (二、我们是怎样推进的);
   - ``merged``     — two adjacent blocks under the first one's notice heading (the second is found from prose);
   - ``removed``    — each element's block removed, and one pair; once with notice headings, once as prose;
   - ``summary``    — a 综合材料: notice headings, each block cut to its first sentences, ≤ 1000 Word 字;
   - ``summary_prose`` — the same 综合材料 without its headings.

Truth: a complete draft carries the annotators' labels (e1…e6; empty where they disagreed → None). A removed block's
elements become False. Where a removal or a cut may take away an element that has no block of its own (the write-ups
often argue 可持续 / 问题 / 下一步 inside a 案例启示 block), that element becomes None rather than a guess: the truth
is exact where it is scored. Limits: an element is "removed" with its block; a sentence about it elsewhere (a figure
in the 做法 block) stays, as it would in a real draft cut short — the annotators' reading of such leftovers is unknown,
so removal truth assumes the block carried the element.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.cases import CASES, case_text, labels  # noqa: E402
from screening.campaigns import get_campaign  # noqa: E402
from screening.checks.elements import heading_elements  # noqa: E402
from screening.checks.outline import _reads_as_heading  # noqa: E402
from screening.wordcount import word_count  # noqa: E402

CAMPAIGN = "nrta-2025-media-convergence"
SUMMARY_LIMIT = 1000
NUMERALS = "一二三四五六七八九十"
VARIANTS = ("notice", "prose", "paraphrase", "merged", "removed_notice", "removed_prose", "summary", "summary_prose")
_NOTICE_HEADING = re.compile(f"^[{NUMERALS}]、")

# Our own paraphrased headings, per element id: no word of the rulebook's cues or of element_cues.toml headings.
PARAPHRASES = {
    "overview": ["项目由来", "我们是谁、为什么要做", "项目缘起和定位"],
    "practice": ["我们是怎样推进的", "关键动作", "怎么干的"],
    "results": ["带来了哪些变化", "用数字说话", "一年来的收获"],
    "sustainability": ["能否长期走下去", "往后的路", "长期运转的底气"],
    "replicability": ["别处能不能用", "对同行的参考", "可以带走的东西"],
    "problems": ["遇到的坎和解法", "碰到的难处", "踩过的坑"],
    "next-steps": ["接下来的打算", "明年要做的事", "再往前走一步"],
    "lessons": ["我们的体会和接下来的打算", "回头看、往前看", "心得与后续"],
}


@dataclass
class Draft:
    """One generated draft. ``truth`` maps element id → True / False / None (unknown, not scored)."""

    source: str
    variant: str
    category: str
    material: str
    text: str
    truth: dict[str, bool | None]
    removed: list[str] = field(default_factory=list)


@dataclass
class _Block:
    heading: str
    elements: list[str]
    lines: list[str]  # body lines, sub-headings included


@dataclass
class _Case:
    source: str
    category: str
    title: list[str]
    blocks: list[_Block]
    labels: dict[str, bool | None]
    heading_lines: set[str]


def generate(case_ids: list[str] | None = None, *, seed: int = 0) -> list[Draft]:
    """All variants for the labelled write-ups (``case_ids`` like ``"001.txt"`` or ``"001"``; all when None)."""
    campaign = get_campaign(CAMPAIGN)
    wanted = None if case_ids is None else {c if c.endswith(".txt") else f"{c}.txt" for c in case_ids}
    rng = random.Random(seed)
    drafts: list[Draft] = []
    for row in labels():
        if wanted is not None and row["file"] not in wanted:
            continue
        case = read_case(row, campaign)
        if case is not None:
            drafts += variants(case, campaign, rng)
    return drafts


def read_case(row: dict[str, str], campaign) -> _Case | None:
    """The write-up cut into element blocks, or None when its headings name fewer than two elements."""
    category = campaign.category(row["category"] or row["category_A"])
    elements = category.elements
    text = case_text(CASES / row["file"])
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text)]
    heading_lines = {line.strip() for _, line in lines[1:] if _reads_as_heading(line)}
    block_heads = [
        (s, line, heading_elements(line, elements)) for s, line in lines[1:] if line.strip() in heading_lines
    ]
    block_heads = [(s, h, ids) for s, h, ids in block_heads if ids]
    # Only write-ups with their own outline (案例概述 / 案例做法 / 案例成效 …) are cut into blocks: in the others a
    # short line naming an element is as often a list item inside a part as the head of one, and the truth would blur.
    block_heads = [(s, h, ids) for s, h, ids in block_heads if h.startswith("案例")]
    if len({i for _, _, ids in block_heads for i in ids}) < 2:
        return None
    title = [line for start, line in lines if start < block_heads[0][0]]
    blocks = []
    for n, (start, heading, ids) in enumerate(block_heads):
        end = block_heads[n + 1][0] if n + 1 < len(block_heads) else len(text) + 1
        body = [line for s, line in lines if start < s < end]
        blocks.append(_Block(heading, ids, body))
    truth = {e.id: {"1": True, "0": False}.get(row[f"e{i}"]) for i, e in enumerate(elements, 1)}
    return _Case(row["file"], category.name, title, blocks, truth, heading_lines)


def line_elements() -> dict[str, dict[str, list[str]]]:
    """Per write-up with its own outline, each body line's elements (its block's; the title's lines: none).

    This is the paragraph-level truth the paragraph model of bench/elements.py learns from: a line under 案例成效 is
    a results paragraph, whatever variant of the draft it appears in. Lines repeated in two blocks keep the first.
    """
    campaign = get_campaign(CAMPAIGN)
    found: dict[str, dict[str, list[str]]] = {}
    for row in labels():
        case = read_case(row, campaign)
        if case is None:
            continue
        lines = {line.strip(): [] for line in case.title}
        for block in case.blocks:
            for line in block.lines:
                lines.setdefault(line.strip(), list(block.elements))
        found[row["file"]] = lines
    return found


# --- variants -----------------------------------------------------------------------------------------------------


def variants(case: _Case, campaign, rng: random.Random) -> list[Draft]:
    names = {e.id: e.name for e in campaign.category(case.category).elements}
    full = dict(case.labels)
    make = lambda variant, text, truth, removed=(), material="detailed": Draft(  # noqa: E731
        case.source, variant, case.category, material, text, truth, list(removed)
    )
    drafts = [
        make("notice", _render(case, case.blocks, _notice_heading(names)), full),
        make("prose", _render(case, case.blocks, None, strip_sub=True), full),
        make("paraphrase", _render(case, case.blocks, _paraphrase_heading(rng)), full),
    ]
    if merged := _merged(case, rng):
        drafts.append(make("merged", _render(case, merged, _notice_heading(names)), full))
    for kept, removed in _removals(case, rng):
        truth = _truth_after_removal(case, kept, removed)
        drafts.append(make("removed_notice", _render(case, kept, _notice_heading(names)), truth, removed))
        drafts.append(make("removed_prose", _render(case, kept, None, strip_sub=True), truth, removed))
    summary, truth = _summary(case, names)
    drafts.append(make("summary", summary, truth, material="summary"))
    prose_summary = "\n".join(line for line in summary.splitlines() if not _NOTICE_HEADING.match(line))
    drafts.append(make("summary_prose", prose_summary, truth, material="summary"))
    return drafts


def _notice_heading(names: dict[str, str]):
    def heading(index: int, block: _Block) -> str:
        return f"{NUMERALS[index]}、" + "与".join(names[i] for i in block.elements)

    return heading


def _paraphrase_heading(rng: random.Random):
    def heading(index: int, block: _Block) -> str:
        return f"{NUMERALS[index]}、" + "；".join(rng.choice(PARAPHRASES.get(i, ["其他"])) for i in block.elements)

    return heading


def _render(case: _Case, blocks: list[_Block], heading, *, strip_sub: bool = False) -> str:
    """The draft's text: title, then each block under ``heading(index, block)`` (none when ``heading`` is None)."""
    lines = list(case.title)
    for index, block in enumerate(blocks):
        if heading is not None:
            lines.append(heading(index, block))
        lines += [line for line in block.lines if not (strip_sub and line.strip() in case.heading_lines)]
    return "\n".join(lines)


def _merged(case: _Case, rng: random.Random) -> list[_Block] | None:
    """Two adjacent blocks with different elements as one, under the first's heading (its body then the second's)."""
    pairs = [n for n in range(len(case.blocks) - 1) if set(case.blocks[n].elements) != set(case.blocks[n + 1].elements)]
    if not pairs:
        return None
    n = rng.choice(pairs)
    first, second = case.blocks[n], case.blocks[n + 1]
    joined = _Block(
        first.heading,
        first.elements,
        first.lines + [line for line in second.lines if line.strip() not in case.heading_lines],
    )
    return case.blocks[:n] + [joined] + case.blocks[n + 2 :]


def _removals(case: _Case, rng: random.Random) -> list[tuple[list[_Block], list[str]]]:
    """Each element labelled present removed on its own (all its blocks), and one random pair removed together;
    at least one block is kept."""
    candidates = sorted({i for b in case.blocks for i in b.elements if case.labels.get(i)})
    choices = [[i] for i in candidates] + ([rng.sample(candidates, 2)] if len(candidates) >= 2 else [])
    found = []
    for chosen in choices:
        kept = [b for b in case.blocks if not set(b.elements) & set(chosen)]
        if kept:
            found.append((kept, chosen))
    return found


def _truth_after_removal(case: _Case, kept: list[_Block], removed: list[str]) -> dict[str, bool | None]:
    """Removed elements are absent. An element with no block of its own may have gone with a removed block (its
    label no longer describes the draft), so it becomes unknown; elements with a kept block keep their label."""
    own = {i for b in kept for i in b.elements}
    gone_blocks = [b for b in case.blocks if b not in kept]
    truth = {}
    for element_id, label in case.labels.items():
        if element_id in removed or (element_id not in own and any(element_id in b.elements for b in gone_blocks)):
            truth[element_id] = False
        elif element_id not in own and gone_blocks:
            truth[element_id] = None
        else:
            truth[element_id] = label
    return truth


def _summary(case: _Case, names: dict[str, str]) -> tuple[str, dict[str, bool | None]]:
    """A 综合材料: notice headings, each block cut to its first sentences so the whole is ≤ 1000 Word 字.

    Elements with a block keep their label; the others (argued somewhere inside a block) may have been cut: unknown.
    """
    budget = SUMMARY_LIMIT // max(1, len(case.blocks)) - 20
    blocks = [
        _Block(
            b.heading,
            b.elements,
            [_first_sentences(" ".join(line for line in b.lines if line.strip() not in case.heading_lines), budget)],
        )
        for b in case.blocks
    ]
    short = _Case(case.source, case.category, case.title[:1], blocks, case.labels, case.heading_lines)
    text = _render(short, blocks, _notice_heading(names))
    while word_count(text) > SUMMARY_LIMIT and budget > 20:
        budget -= 20
        blocks = [_Block(b.heading, b.elements, [_first_sentences(b.lines[0], budget)]) for b in blocks]
        text = _render(short, blocks, _notice_heading(names))
    own = {i for b in case.blocks for i in b.elements}
    return text, {i: (label if i in own else None) for i, label in case.labels.items()}


def _first_sentences(text: str, budget: int) -> str:
    """Whole sentences from the start of ``text`` up to ``budget`` characters (at least the first, cut to budget)."""
    sentences = re.findall(r"[^。！？!?]+[。！？!?]?", text)
    kept = ""
    for sentence in sentences:
        if len(kept) + len(sentence) > budget:
            break
        kept += sentence
    return kept or text[: max(budget, 10)]


# --- census -------------------------------------------------------------------------------------------------------


def census(drafts: list[Draft]) -> list[str]:
    """Counts per variant: drafts, scored element truths (present / absent) — no text."""
    rows = ["| variant | drafts | sources | truths present | truths absent | unknown |", "|---|---|---|---|---|---|"]
    for variant in VARIANTS:
        chosen = [d for d in drafts if d.variant == variant]
        values = Counter(v for d in chosen for v in d.truth.values())
        rows.append(
            f"| {variant} | {len(chosen)} | {len({d.source for d in chosen})} | {values[True]} | "
            f"{values[False]} | {values[None]} |"
        )
    return rows


if __name__ == "__main__":
    print("\n".join(census(generate())))
