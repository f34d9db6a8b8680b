"""``test_archive.py`` again, on a real PostgreSQL server: its tests are collected here with an ``archive`` fixture
over a fresh PostgreSQL database (the original module keeps running them on SQLite)."""

import pytest

from screening import db
from screening.archive import Archive
from tests.archive.test_archive import (  # noqa: F401 - collected here, on PostgreSQL
    test_a_failing_write_imports_nothing_from_the_file,
    test_csv_import_reports_bad_rows_by_number_and_keeps_good_ones,
    test_export_neutralises_spreadsheet_formulas,
    test_export_round_trips_through_import,
    test_missing_required_column_rejects_the_whole_file,
    test_unsupported_and_corrupt_files_raise_input_errors,
    test_write_listeners_see_new_records,
    test_xlsx_import_with_english_headers,
)


@pytest.fixture
def archive(pg_url):
    return Archive(db.get_engine(pg_url), seed=False)


def test_shipped_selections_are_seeded_once_on_postgresql(pg_url):
    engine = db.get_engine(pg_url)
    seeded = Archive(engine).count()
    assert seeded > 0
    Archive(engine)
    assert Archive(engine, seed=False).count() == seeded
