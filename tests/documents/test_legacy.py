""".doc and .wps through LibreOffice headless: real legacy files made at test time, and the refusals."""

import os
import stat
import subprocess
import time

import pytest

from screening.documents import legacy, load_document
from screening.errors import LegacyWordFormat, ParseTimeout
from tests.factories import make_docx

needs_soffice = pytest.mark.skipif(
    legacy.soffice_path() is None, reason="needs LibreOffice (Debian libreoffice-writer-nogui, installed by make)"
)


@pytest.fixture(scope="module")
def legacy_doc(tmp_path_factory):
    """A real Word 97 .doc, converted from a python-docx file by the installed soffice."""
    if legacy.soffice_path() is None:
        pytest.skip("needs LibreOffice (Debian libreoffice-writer-nogui, installed by make)")
    folder = tmp_path_factory.mktemp("legacy")
    source = folder / "材料.docx"
    source.write_bytes(
        make_docx(
            title="融媒体平台建设案例",
            sections=[
                ("一、总体情况", 1, ["本台建成融媒体指挥调度平台，服务用户126万户，同比增长35%。"]),
                ("二、创新做法", 1, ["组建42人专班，按周复盘传播数据。"]),
            ],
        )
    )
    subprocess.run(
        [
            legacy.soffice_path(),
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        timeout=120,
    )
    return (folder / "材料.doc").read_bytes()


@needs_soffice
@pytest.mark.parametrize("name", ["材料.doc", "材料.wps"])  # WPS saves .wps in the Word 97 binary format
@pytest.mark.slow
def test_a_legacy_file_is_converted_and_read(legacy_doc, name):
    assert legacy_doc.startswith(b"\xd0\xcf\x11\xe0")
    doc = load_document(legacy_doc, filename=name)
    assert "服务用户126万户" in doc.text
    assert [s.heading for s in doc.sections if s.heading] == ["一、总体情况", "二、创新做法"]
    assert any("LibreOffice" in note for note in doc.notes)


@needs_soffice
def test_a_broken_legacy_file_is_refused_in_chinese():
    broken = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4000)
    with pytest.raises(LegacyWordFormat) as caught:
        load_document(broken, filename="损坏.doc")
    assert "无法转换" in caught.value.message and "另存为 .docx" in caught.value.message


def test_a_hanging_converter_is_killed_at_its_deadline(tmp_path, monkeypatch):
    marker = tmp_path / "still-running"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 30\ntouch {marker}\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(legacy, "soffice_path", lambda: str(fake))
    started = time.monotonic()
    with pytest.raises(ParseTimeout) as caught:
        legacy.convert_to_docx(b"\xd0\xcf\x11\xe0" + b"\0" * 100, kind="doc", timeout=1.0)
    assert "转换超时" in caught.value.message
    assert time.monotonic() - started < 20  # killed, not waited for (the fake sleeps 30 s)


def test_without_libreoffice_legacy_files_are_refused_with_the_remedy(monkeypatch):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    with pytest.raises(LegacyWordFormat) as caught:
        load_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, filename="旧.doc")
    assert ".docx" in caught.value.message
