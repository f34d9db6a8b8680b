"""The archive: earlier selections (入选案例) and stored submissions, in the database, with CSV/XLSX import and export.

One table, ``archive_records``, holds both kinds, because duplicate detection asks the same question of both ("has
this case been seen before, and under which call and category?"):

- ``selection``: a case an earlier call selected. The shipped facts (``corpora/selected_cases.csv``, each with its
  ``source``) are seeded on first use; bureaus import more with ``screening archive import FILE``.
- ``submission``: a material a bureau batch stored (``Archive.store_submission``); self-check uploads are not stored.

Import is forgiving per row and strict per file: every row is validated, bad rows are reported with their row number
and a Chinese reason, and the good rows go in together in one transaction (all or none, so a crash half-way never
leaves half a file). Rows already in the archive are skipped, so re-importing a file is harmless.

Other modules learn about writes through ``Archive.subscribe`` (the duplicate index adds new records without a
rebuild).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from . import db
from .config import CORPORA_DIR
from .errors import CorruptDocument, EmptyFile, InputError, UnsupportedFormat
from .spreadsheet import formula_safe

RecordKind = Literal["selection", "submission"]

# English column -> accepted Chinese header (DESIGN.md "Storage and scale"); `kind` and `source` are ours.
COLUMNS: dict[str, str] = {
    "year": "年份",
    "campaign": "征集活动",
    "category": "类别",
    "case_name": "案例名称",
    "unit": "申报单位",
    "province": "省份",
    "text": "正文",
    "source": "来源",
    "kind": "类型",
}
REQUIRED = ("year", "campaign", "unit")
KIND_LABELS = {"selection": "入选案例", "submission": "申报材料"}
MAX_LENGTHS = {
    "campaign": 200,
    "category": 100,
    "case_name": 300,
    "unit": 200,
    "province": 50,
    "text": 200_000,
    "source": 2000,
}
SEED_FILE = "selected_cases.csv"


class ArchiveRecordRow(db.Base):
    __tablename__ = "archive_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    campaign: Mapped[str] = mapped_column(String(200))
    campaign_id: Mapped[str | None] = mapped_column(String(100), nullable=True)  # rulebook id, when known
    category: Mapped[str] = mapped_column(String(100), default="")
    case_name: Mapped[str] = mapped_column(String(300), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    province: Mapped[str] = mapped_column(String(50), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    filename: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class ArchiveMetaRow(db.Base):
    __tablename__ = "archive_meta"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


@dataclass(frozen=True, slots=True)
class Record:
    """One archive record as plain data (safe to keep after the session closes)."""

    id: int
    kind: str
    year: int
    campaign: str
    category: str = ""
    case_name: str = ""
    unit: str = ""
    province: str = ""
    text: str = ""
    source: str = ""
    campaign_id: str | None = None
    batch_id: str | None = None
    filename: str = ""

    @property
    def label(self) -> str:
        """How a report names the record: 2024年 全国…典型案例 · 类别 · 案例名称（单位）."""
        parts = [f"{self.year}年 {self.campaign}", self.category, self.case_name or "（未记录案例名称）"]
        return " · ".join(p for p in parts if p) + (f"（{self.unit}）" if self.unit else "")

    def to_dict(self, *, with_text: bool = False) -> dict:
        data = {
            k: getattr(self, k)
            for k in (
                "id",
                "kind",
                "year",
                "campaign",
                "campaign_id",
                "category",
                "case_name",
                "unit",
                "province",
                "source",
                "batch_id",
                "filename",
            )
        }
        if with_text:
            data["text"] = self.text
        return data


def _record(row: ArchiveRecordRow) -> Record:
    return Record(
        id=row.id,
        kind=row.kind,
        year=row.year,
        campaign=row.campaign,
        category=row.category,
        case_name=row.case_name,
        unit=row.unit,
        province=row.province,
        text=row.text,
        source=row.source,
        campaign_id=row.campaign_id,
        batch_id=row.batch_id,
        filename=row.filename,
    )


@dataclass(frozen=True, slots=True)
class RowIssue:
    row: int  # row number as a spreadsheet shows it (the header is row 1)
    reason: str  # Chinese


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[RowIssue] = field(default_factory=list)  # rows rejected
    skipped: list[RowIssue] = field(default_factory=list)  # rows already in the archive

    def summary(self) -> str:
        return f"导入 {self.imported} 条，跳过重复 {len(self.skipped)} 条，有误 {len(self.errors)} 条。"


Listener = Callable[[list[Record]], None]


class Archive:
    """The archive in one database. Cheap to construct; ``get_archive(url)`` gives the process-wide one per URL."""

    def __init__(self, engine, *, seed: bool = True) -> None:
        self.engine = engine
        self._listeners: list[Listener] = []
        db.create_tables(self.engine)
        if seed:
            self._seed_once()

    # --- reading ------------------------------------------------------------------------------------------

    def records(
        self,
        *,
        kind: RecordKind | None = None,
        year: int | None = None,
        campaign: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Record]:
        query = select(ArchiveRecordRow).order_by(ArchiveRecordRow.id)
        if kind:
            query = query.where(ArchiveRecordRow.kind == kind)
        if year:
            query = query.where(ArchiveRecordRow.year == year)
        if campaign:
            query = query.where(ArchiveRecordRow.campaign.contains(campaign))
        query = query.offset(offset).limit(limit)
        with db.session_scope(self.engine) as s:
            return [_record(r) for r in s.scalars(query)]

    def get(self, record_id: int) -> Record | None:
        with db.session_scope(self.engine) as s:
            row = s.get(ArchiveRecordRow, record_id)
            return _record(row) if row else None

    def count(self) -> int:
        with db.session_scope(self.engine) as s:
            return s.scalar(select(func.count(ArchiveRecordRow.id))) or 0

    def _identities(self) -> set[tuple]:
        cols = [getattr(ArchiveRecordRow, k) for k in _IDENTITY]
        with db.session_scope(self.engine) as s:
            return {tuple(row) for row in s.execute(select(*cols))}

    def labelled(self) -> list[Record]:
        """Records with both a category and a text: training material for the category model."""
        return [r for r in self.records() if r.category and len(r.text) >= 50]

    # --- writing ------------------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(new_records)`` after every write (e.g. to update the duplicate index)."""
        self._listeners.append(listener)

    def add(self, rows: Iterable[dict]) -> list[Record]:
        """Insert validated rows in one transaction; return them as Records."""
        with db.session_scope(self.engine) as s:
            objs = [ArchiveRecordRow(**row) for row in rows]
            s.add_all(objs)
            s.flush()
            added = [_record(o) for o in objs]
        for listener in self._listeners:
            listener(added)
        return added

    def store_submission(
        self,
        *,
        campaign_id: str,
        campaign_name: str,
        year: int,
        case_name: str,
        unit: str,
        category: str = "",
        text: str = "",
        province: str = "",
        batch_id: str | None = None,
        filename: str = "",
        source: str = "",
    ) -> Record:
        """Keep a screened material for later duplicate checks (bureau batches do this; self-checks do not)."""
        row = dict(
            kind="submission",
            year=year,
            campaign=campaign_name,
            campaign_id=campaign_id,
            category=category,
            case_name=case_name,
            unit=unit,
            province=province,
            text=text,
            batch_id=batch_id,
            filename=filename,
            source=source or "批量预审存档",
        )
        return self.add([_clip(row)])[0]

    def import_file(self, path: Path, *, source: str | None = None) -> ImportResult:
        """Import a CSV or XLSX of records (English or Chinese headers); see the module docstring."""
        return self.import_rows(read_table(path), default_source=source or f"导入：{path.name}")

    def import_rows(self, rows: list[dict[str, str]], *, default_source: str = "") -> ImportResult:
        """Validate ``rows`` (dicts keyed by English column names, numbered from spreadsheet row 2).

        One import at a time per database (``db.exclusive``): two workers importing the same file together would
        otherwise both find its rows new and store them twice."""
        with db.exclusive(self.engine, "archive-import"):
            return self._import_rows(rows, default_source=default_source)

    def _import_rows(self, rows: list[dict[str, str]], *, default_source: str = "") -> ImportResult:
        result = ImportResult()
        seen = self._identities()
        good = []
        for number, raw in enumerate(rows, start=2):
            if not any((v or "").strip() for v in raw.values()):
                continue  # blank lines are not errors
            row, reasons = validate_row(raw)
            if reasons:
                result.errors.append(RowIssue(number, "；".join(reasons)))
                continue
            row.setdefault("source", default_source)
            row["source"] = row["source"] or default_source
            key = _identity(row)
            if key in seen:
                result.skipped.append(RowIssue(number, "档案中已有相同记录，已跳过。"))
                continue
            seen.add(key)
            good.append(row)
        result.imported = len(self.add(good)) if good else 0
        return result

    def export(self, path: Path, *, chinese_headers: bool = False, kind: RecordKind | None = None) -> int:
        """Write records to CSV (UTF-8 with BOM, so Excel opens it) or XLSX; return how many."""
        records = self.records(kind=kind)
        names = list(COLUMNS)
        header = [COLUMNS[n] for n in names] if chinese_headers else names
        table = [[_export_value(r, n) for n in names] for r in records]
        write_table(path, header, table)
        return len(records)

    def _seed_once(self) -> None:
        """Import the shipped selections the first time this database is used (once, even when several workers
        start together on a new database)."""
        with db.session_scope(self.engine) as s:
            if s.get(ArchiveMetaRow, "seeded"):
                return
        with db.exclusive(self.engine, "archive-seed"):
            with db.session_scope(self.engine) as s:
                if s.get(ArchiveMetaRow, "seeded"):
                    return  # another worker seeded it while this one waited
            seed = CORPORA_DIR / SEED_FILE  # shipped with the code, like the rulebooks' defaults
            if seed.exists():
                self.import_file(seed, source="随软件提供的往届入选名单")
            with db.session_scope(self.engine) as s:
                s.merge(ArchiveMetaRow(key="seeded", value=SEED_FILE))


_IDENTITY = ("kind", "year", "campaign", "category", "case_name", "unit")


def _identity(row: dict) -> tuple:
    return tuple(row.get(k, "") for k in _IDENTITY)


def _export_value(record: Record, name: str):
    value = getattr(record, name)
    return KIND_LABELS.get(value, value) if name == "kind" else value


def _clip(row: dict) -> dict:
    return {k: (v[: MAX_LENGTHS[k]] if k in MAX_LENGTHS and isinstance(v, str) else v) for k, v in row.items()}


def validate_row(raw: dict[str, str]) -> tuple[dict, list[str]]:
    """Clean one imported row; return it with the Chinese reasons it is unusable (empty when it is fine)."""
    row = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    reasons = [f"{COLUMNS[k]}（{k}）为空" for k in REQUIRED if not row[k]]
    year = row["year"].removesuffix("年")
    if row["year"] and (not year.isdigit() or not 2000 <= int(year) <= dt.date.today().year + 1):
        reasons.append(f"年份“{row['year']}”无效，应为 2000 至 {dt.date.today().year + 1} 之间的整数")
    kind = {"入选案例": "selection", "申报材料": "submission", "": "selection"}.get(row["kind"], row["kind"])
    if kind not in KIND_LABELS:
        reasons.append(f"类型“{row['kind']}”无效，应为“入选案例”或“申报材料”")
    for name, limit in MAX_LENGTHS.items():
        if len(row[name]) > limit:
            reasons.append(f"{COLUMNS[name]}过长（{len(row[name])} 字，上限 {limit} 字）")
    if reasons:
        return row, reasons
    row["year"], row["kind"] = int(year), kind
    return row, []


# --- CSV / XLSX ---------------------------------------------------------------------------------------------------


def _header_map(header: list[str]) -> dict[int, str]:
    """Column index -> English name, accepting either language; unknown columns are ignored."""
    lookup = {k.lower(): k for k in COLUMNS} | {v: k for k, v in COLUMNS.items()}
    mapping = {i: lookup[h.strip().lower()] for i, h in enumerate(header) if h and h.strip().lower() in lookup}
    missing = [k for k in REQUIRED if k not in mapping.values()]
    if missing:
        names = "、".join(f"{k}（{COLUMNS[k]}）" for k in missing)
        raise InputError(f"表头缺少必需的列：{names}。表头可以用英文或中文列名。")
    return mapping


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts keyed by English column names."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path)
    else:
        raise UnsupportedFormat("档案导入只支持 .csv 或 .xlsx 文件。")
    if not table:
        raise EmptyFile("导入文件是空的。")
    mapping = _header_map([str(h or "") for h in table[0]])
    return [{name: _cell(row[i]) if i < len(row) else "" for i, name in mapping.items()} for row in table[1:]]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK unless told otherwise
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("无法识别 CSV 文件的编码，请另存为 UTF-8 编码后再导入。")
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise CorruptDocument(f"CSV 文件格式有误：{exc}") from exc


def _read_xlsx(path: Path) -> list[list]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise CorruptDocument("XLSX 文件已损坏或不是有效的 Excel 文件。") from exc
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def write_table(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [[formula_safe(v) for v in row] for row in rows]
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("档案")
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


# --- the process-wide archive ---------------------------------------------------------------------------------

_lock = threading.Lock()
_archives: dict[str, Archive] = {}


def get_archive(url: str) -> Archive:
    """The archive in the database at ``url`` (created and seeded on first use), one per URL per process.

    The cache is keyed by URL, so two services over two databases in one process (tests) never share an archive, and
    its duplicate index (``screening.duplicates.index``) lives as long as the process. Callers get ``url`` from their
    ``Settings``; there is no default database.
    """
    with _lock:
        if url not in _archives:
            _archives[url] = Archive(db.get_engine(url))
        return _archives[url]
