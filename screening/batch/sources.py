"""What goes into a batch: the files of a folder or a zip, each as a ``Source`` (display name + bytes).

Only the accepted kinds (``screening.filetypes.ACCEPTED_SUFFIXES``, what one upload takes; .doc/.wps are converted
by LibreOffice inside the guarded intake, ``screening.documents.legacy``) are read; other files are
returned as refused so the bureau sees them named, and operating-system junk (``__MACOSX/``, ``.DS_Store`` …)
is skipped silently. A zip is checked on its
central directory before anything is inflated, like the DOCX guard in ``screening.documents.guard``: member count,
declared sizes, compression ratio (above a 1 MB floor), and no absolute or ``..`` paths. Names are for display only:
nothing is ever written under a name taken from an upload.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import ArchiveBomb, InputError, UnsupportedFormat
from ..filetypes import ACCEPTED_LABEL, ACCEPTED_SUFFIXES

# Files operating systems add to zips and folders; skipped silently rather than reported as unsupported.
_JUNK_NAME = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$|~\$|\._)", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One material's bytes and the name the bureau knows it by (used for display only, never as a storage path)."""

    filename: str
    data: bytes
    companion: Source | None = None  # the other version of the same material (see ``pair_versions``)


def pair_versions(sources: list[Source]) -> list[Source]:
    """Pair the Word file and the stamped PDF of one material: same stem (``材料.docx`` + ``材料.pdf``, case and
    spaces ignored), exactly one PDF and one other file. The pair becomes one Source, the Word file with the PDF as
    its ``companion`` (screened once, compared, the PDF searched for its seal), at the Word file's place in the order;
    everything else is returned as it came."""
    by_stem: dict[str, list[int]] = {}
    for index, source in enumerate(sources):
        by_stem.setdefault(_stem_key(source.filename), []).append(index)
    companion_of: dict[int, int] = {}
    for indices in by_stem.values():
        pdfs = [i for i in indices if sources[i].filename.lower().endswith(".pdf")]
        others = [i for i in indices if i not in pdfs]
        if len(indices) == 2 and len(pdfs) == 1:
            companion_of[others[0]] = pdfs[0]
    taken = set(companion_of.values())
    return [
        Source(s.filename, s.data, sources[companion_of[i]]) if i in companion_of else s
        for i, s in enumerate(sources)
        if i not in taken
    ]


def _stem_key(filename: str) -> str:
    return re.sub(r"\s+", "", PurePosixPath(safe_filename(filename)).stem).lower()


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on a zip of materials, checked on the central directory before anything is decompressed.

    The declared sizes bound what ``zipfile`` will inflate (it stops at the declared size), so checking them first
    bounds memory; the ratio check refuses the classic bomb even when each member is under the size limit.
    """

    max_members: int = 200
    max_member_bytes: int = 20 * 1024 * 1024
    max_total_bytes: int = 400 * 1024 * 1024
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 1024 * 1024  # as in the DOCX guard: small members are never bombs, whatever their ratio


def safe_filename(name: str, *, max_length: int = 120) -> str:
    """The last path component, without control characters, capped in length: safe to show and to put in a table."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > max_length:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: max_length - len(suffix) - 1] + dot + suffix) if dot and len(suffix) <= 8 else name[:max_length]
    return name or "未命名文件"


def check_suffix(filename: str) -> None:
    """Refuse names outside the allow-list (``ACCEPTED_SUFFIXES``) with a Chinese message (415).

    Only the name is judged here; whether the bytes are what the name says (and whether a .doc converts) is the
    intake's guard, per file, so one bad file is that row's refusal and never stops the batch.
    """
    if not filename.lower().endswith(ACCEPTED_SUFFIXES):
        raise UnsupportedFormat(f"不支持文件“{safe_filename(filename)}”的格式，请提交 {ACCEPTED_LABEL} 文件。")


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author saw it: zips made on Chinese Windows store GBK names without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def sources_from_zip(data: bytes, *, limits: ZipLimits | None = None) -> tuple[list[Source], list[Source]]:
    """The materials inside a zip, as ``(accepted, refused)``; refused members carry no data, only their name.

    Raises ``ArchiveBomb`` (413) when the zip as a whole breaks a limit, ``CorruptDocument``-like ``InputError`` (422)
    when it is not a zip. Members with absolute paths or ``..`` are refused (no path is ever used to write a file,
    but such a name is a sign of a crafted archive). Folders and OS junk files are skipped.
    """
    limits = limits or ZipLimits()
    if not _directory_ends_the_data(data):
        raise InputError("压缩包已损坏（可能未完整上传或被截断），请重新打包后再提交。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError("压缩包已损坏或不是 zip 格式，请重新打包后再提交。") from exc
    _check_zip_directory(infos, limits)
    accepted, refused = [], []
    for info in infos:
        name = zip_member_name(info)
        if _JUNK_NAME.search(name):
            continue
        if _unsafe_member_path(name):
            raise ArchiveBomb(f"压缩包中的文件名“{safe_filename(name)}”包含非法路径（如 ../），已拒绝处理整个压缩包。")
        display = safe_filename(name)
        try:
            check_suffix(display)
        except UnsupportedFormat:
            refused.append(Source(display, b""))
            continue
        accepted.append(Source(display, _read_member(archive, info, limits)))
    return accepted, refused


_END_OF_DIRECTORY = b"PK\x05\x06"
_END_RECORD_BYTES = 22  # the record without its comment; the comment (at most 64 KB) must run to the end of the file


def _directory_ends_the_data(data: bytes) -> bool:
    """Does the last end-of-directory record, with its comment, end exactly where the data ends?

    ``zipfile`` accepts the last record it finds in the final 64 KB. A zip cut short loses its own record, and when
    its members are *stored* .docx files (themselves zips) the last record found is a member's: ``zipfile`` would
    then read that member's XML parts as the batch. A whole zip always ends with its record and comment.
    """
    start = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - _END_RECORD_BYTES - 0xFFFF))
    if start < 0 or start + _END_RECORD_BYTES > len(data):
        return False
    comment_length = int.from_bytes(data[start + 20 : start + 22], "little")
    return start + _END_RECORD_BYTES + comment_length == len(data)


def _check_zip_directory(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(infos) > limits.max_members:
        raise ArchiveBomb(f"压缩包内文件过多（{len(infos)} 个，上限 {limits.max_members} 个），请分批提交。")
    total = 0
    for info in infos:
        if info.file_size > limits.max_member_bytes:
            mb = limits.max_member_bytes // (1024 * 1024)
            raise ArchiveBomb(f"压缩包中的“{safe_filename(zip_member_name(info))}”解压后超过 {mb} MB，已拒绝处理。")
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ArchiveBomb()
        total += info.file_size
    if total > limits.max_total_bytes:
        raise ArchiveBomb(f"压缩包解压后总大小超过 {limits.max_total_bytes // (1024 * 1024)} MB，请分批提交。")


def _unsafe_member_path(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or bool(re.match(r"^[A-Za-z]:", name))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits) -> bytes:
    try:
        with archive.open(info) as member:
            data = member.read(limits.max_member_bytes + 1)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:  # RuntimeError: encrypted member
        raise InputError(f"压缩包中的“{safe_filename(zip_member_name(info))}”无法解压，请重新打包后再提交。") from exc
    if len(data) > limits.max_member_bytes:  # the declared size lied
        raise ArchiveBomb()
    return data


def sources_from_path(path: Path, *, limits: ZipLimits | None = None) -> tuple[list[Source], list[Source]]:
    """The materials in a folder (recursively, sorted by name) or a zip, as ``(accepted, refused)``."""
    limits = limits or ZipLimits()
    if path.is_file():
        if path.suffix.lower() != ".zip":
            check_suffix(path.name)
            return [Source(path.name, path.read_bytes())], []
        return sources_from_zip(path.read_bytes(), limits=limits)
    accepted, refused = [], []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        relative = file.relative_to(path).as_posix()
        if _JUNK_NAME.search(relative):
            continue
        try:
            check_suffix(file.name)
        except UnsupportedFormat:
            refused.append(Source(file.name, b""))
            continue
        if file.stat().st_size > limits.max_member_bytes:
            refused.append(Source(file.name, b""))
            continue
        accepted.append(Source(file.name, file.read_bytes()))
    if len(accepted) > limits.max_members:
        raise ArchiveBomb(f"文件过多（{len(accepted)} 个，上限 {limits.max_members} 个），请分批提交。")
    return accepted, refused
