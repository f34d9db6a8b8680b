"""Where each drafted value came from, and what a person must check.

Extractors build plain dictionaries in the shape of a rulebook and record, per field path, the notice text the value
was read from (``Evidence``: clause, span, quote) and any doubt (``Unsure``). Paths are tuples such as
``("categories", 2, "elements", 0, "name")``; ``Notes.at(...)`` gives an extractor a view rooted at its own part
so it never needs to know where that part ends up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Path = tuple[str | int, ...]

PLACEHOLDER = "待填写"  # the visible value of a required field the drafter could not determine


@dataclass(frozen=True, slots=True)
class Evidence:
    clause: str  # e.g. 四、材料编写体例
    start: int  # offsets into the text the drafter read (Document.text)
    end: int
    text: str  # the notice's words at that span

    def to_dict(self) -> dict:
        return {"clause": self.clause, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Unsure:
    path: Path
    message: str  # Chinese: what to check and why
    evidence: Evidence | None = None

    @property
    def field(self) -> str:
        return format_path(self.path)

    def to_dict(self) -> dict:
        out = {"field": self.field, "message": self.message}
        if self.evidence:
            out["evidence"] = self.evidence.to_dict()
        return out


@dataclass
class Notes:
    sources: dict[Path, Evidence] = field(default_factory=dict)
    doubts: list[Unsure] = field(default_factory=list)
    prefix: Path = ()

    def at(self, *path: str | int) -> Notes:
        """A view whose paths are relative to ``path`` (shares the same records)."""
        return Notes(self.sources, self.doubts, self.prefix + path)

    def sources_only(self) -> Notes:
        """A view that records sources but drops doubts (for a copy of a part whose doubts were already raised)."""
        return Notes(self.sources, [], self.prefix)

    def source(self, path: Path | str, evidence: Evidence | None) -> None:
        if evidence is not None:
            self.sources[self._full(path)] = evidence

    def unsure(self, path: Path | str, message: str, evidence: Evidence | None = None) -> None:
        self.doubts.append(Unsure(self._full(path), message, evidence))

    def _full(self, path: Path | str) -> Path:
        return self.prefix + ((path,) if isinstance(path, str) else tuple(path))


def format_path(path: Path) -> str:
    """``("categories", 2, "name")`` → ``categories[2].name`` (the TOML reader's view of the field)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "（顶层）"
