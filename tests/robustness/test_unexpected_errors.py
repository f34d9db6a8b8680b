"""A bug is answered as an internal error, never blamed on the user's file ("文件已损坏").

Only what a parser library throws on malformed input is a refusal (``guard.is_parser_failure``). Each test injects
a bug (a parser stand-in that raises ``KeyError``, the type python-docx itself raises for a missing part) and
checks every face: the intake lets it through, the PDF worker's translation calls it internal, the API answers 500
``internal`` in Chinese with the traceback in the log only, the CLI prints the Chinese message and exits 1.
"""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from pdfminer.psexceptions import PSEOF
from typer.testing import CliRunner

from screening.documents import intake, load_document
from screening.documents.guard import is_parser_failure
from screening.documents.pdf_extract import translate_error
from screening.errors import CorruptDocument, InternalError
from tests import hostile
from tests.api.helpers import make_settings

CORRUPT = CorruptDocument.default_message


def buggy_parser(*args, **kwargs):
    raise KeyError("word/document.xml")  # what python-docx raises for a missing part, but raised by our code


@pytest.fixture
def bug_in_the_docx_parser(monkeypatch):
    monkeypatch.setattr(intake, "docx_blocks", buggy_parser)


def test_the_intake_lets_a_bug_through_as_itself(bug_in_the_docx_parser):
    with pytest.raises(KeyError):
        load_document(hostile.valid_docx(), filename="材料.docx")


def test_what_the_parser_library_throws_is_still_a_refusal():
    with pytest.raises(CorruptDocument) as refused:
        load_document(hostile.broken_xml_docx(), filename="材料.docx")
    assert "XMLSyntaxError" in refused.value.detail["reason"]


def test_a_parser_failure_is_told_from_a_bug_by_where_it_was_raised():
    with pytest.raises(KeyError) as ours:
        buggy_parser()
    assert not is_parser_failure(ours.value)
    assert is_parser_failure(PSEOF("unexpected end of file"))  # pdfminer's own type, wherever it is raised


def test_the_pdf_worker_answers_a_bug_as_internal_and_logs_it(caplog):
    with pytest.raises(KeyError) as ours:
        buggy_parser()
    with caplog.at_level(logging.ERROR, logger="screening.documents.pdf_extract"):
        translated = translate_error(ours.value)
    assert isinstance(translated, InternalError) and translated.status == 500
    assert any(record.exc_info and record.exc_info[1] is ours.value for record in caplog.records)
    assert isinstance(translate_error(PSEOF("unexpected end of file")), CorruptDocument)


def test_the_api_answers_a_bug_as_an_internal_error_in_chinese(bug_in_the_docx_parser, tmp_path, caplog):
    from api.app import create_app

    app = create_app(make_settings(tmp_path))
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.ERROR, logger="api.errors"):
        answer = client.post(
            "/api/screen",
            data={"campaign": "nrta-2025-media-convergence"},
            files={"file": ("材料.docx", hostile.valid_docx())},
        )
    assert answer.status_code == 500
    assert answer.json() == {"code": "internal", "message": InternalError.default_message}
    assert CORRUPT not in answer.text
    assert any(record.exc_info and isinstance(record.exc_info[1], KeyError) for record in caplog.records)
    assert "500" in app.openapi()["paths"]["/api/screen"]["post"]["responses"]  # the contract says so


def test_the_cli_answers_a_bug_with_the_chinese_message_and_exit_code_1(bug_in_the_docx_parser, tmp_path, caplog):
    from screening.cli.check import app

    path = tmp_path / "材料.docx"
    path.write_bytes(hostile.valid_docx())
    with caplog.at_level(logging.ERROR, logger="screening.cli._common"):
        result = CliRunner().invoke(app, [str(path)])
    assert result.exit_code == InternalError.exit_code == 1
    assert InternalError.default_message in result.stderr and CORRUPT not in result.stderr
    assert any(record.exc_info and isinstance(record.exc_info[1], KeyError) for record in caplog.records)


def test_the_cli_still_refuses_a_broken_file_with_exit_code_3(tmp_path):
    from screening.cli.check import app

    path = tmp_path / "材料.docx"
    path.write_bytes(hostile.broken_xml_docx())
    result = CliRunner().invoke(app, [str(path)])
    assert result.exit_code == 3 and CORRUPT in result.stderr
