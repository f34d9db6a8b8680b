"""Writing a draft rulebook as TOML, with its sources and doubts as comments.

The rulebook model forbids unknown keys, so nothing about the draft's uncertainty can live in the data itself.
It lives in comments instead, which every TOML reader skips:

- the file opens with a ``# 待人工核对`` list of everything the drafter is unsure of;
- each field the drafter read from the notice is preceded by ``# 来源：<clause> [start:end] “<the notice's words>”``
  (offsets index the text the drafter read), and each doubtful field by ``# TODO(人工核对)：<what to check>``.

A reviewer edits the file, deletes the TODO lines they settled, and the loader validates the result like any other
rulebook. No TOML writer ships with the standard library; this one covers exactly the shapes a rulebook has (scalars,
dates, lists of strings, tables, arrays of tables) and nothing more.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from .notes import Evidence, Path, Unsure

_QUOTE_MAX = 60
# TOML forbids control characters (other than tab) in comments; notice quotes come from untrusted files.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_REVIEW_TAG = "TODO(人工核对)"


def dumps(data: dict, *, sources: dict[Path, Evidence], doubts: list[Unsure], header: list[str]) -> str:
    writer = _Writer(sources, doubts)
    for line in header:
        writer.comment(line)
    if doubts:
        writer.comment("")
        writer.comment(f"待人工核对（{len(doubts)} 项）：")
        for d in doubts:
            writer.comment(f"  - {d.field}：{d.message}")
    writer.lines.append("")
    writer.table(data, (), header_name=None)
    return "\n".join(writer.lines).rstrip() + "\n"


class _Writer:
    def __init__(self, sources: dict[Path, Evidence], doubts: list[Unsure]) -> None:
        self.sources = sources
        self.doubts = doubts
        self.lines: list[str] = []

    def comment(self, text: str, indent: str = "") -> None:
        self.lines.append(f"{indent}# {_CONTROL.sub('�', text)}".rstrip())

    def notes_for(self, path: Path, indent: str) -> None:
        evidence = self.sources.get(path)
        if evidence is not None:
            quote = evidence.text if len(evidence.text) <= _QUOTE_MAX else evidence.text[:_QUOTE_MAX] + "…"
            self.comment(f"来源：{evidence.clause} [{evidence.start}:{evidence.end}] “{quote}”", indent)
        for d in self.doubts:
            if d.path == path:
                self.comment(f"{_REVIEW_TAG}：{d.message}", indent)

    def table(self, data: dict, path: Path, *, header_name: str | None, array: bool = False) -> None:
        indent = "  " * max(0, len([p for p in path if isinstance(p, str)]) - 1)
        if header_name is not None:
            self.lines.append("")
            self.notes_for(path, indent)
            self.lines.append(f"{indent}[[{header_name}]]" if array else f"{indent}[{header_name}]")
        scalars = {k: v for k, v in data.items() if v is not None and not _is_table(v) and not _is_table_array(v)}
        tables = {k: v for k, v in data.items() if _is_table(v)}
        arrays = {k: v for k, v in data.items() if _is_table_array(v)}
        for key, value in scalars.items():
            self.notes_for((*path, key), indent)
            self.lines.append(f"{indent}{key} = {_value(value)}")
        for key in (k for k, v in data.items() if v is None):
            self.notes_for((*path, key), indent)  # an omitted optional field can still carry a doubt
        for key, value in tables.items():
            self.table(value, (*path, key), header_name=_join(header_name, key))
        for key, items in arrays.items():
            if path == () and key == "categories":
                self.lines.append("")
                self.comment("-" * 100)
            if (*path, key) in self.sources or any(d.path == (*path, key) for d in self.doubts):
                self.lines.append("")
                self.notes_for((*path, key), indent)
            for k, item in enumerate(items):
                self.table(item, (*path, key, k), header_name=_join(header_name, key), array=True)


def _join(parent: str | None, key: str) -> str:
    # Arrays of tables are addressed without indices: [[categories.elements]] belongs to the last [[categories]].
    return key if parent is None else f"{parent}.{key}"


def _is_table(value: object) -> bool:
    return isinstance(value, dict)


def _is_table_array(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _string(text: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes; TOML additionally forbids a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
