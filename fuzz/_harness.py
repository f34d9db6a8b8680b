"""What every harness in ``fuzz/`` shares: the seeds it starts from and the one rule it enforces.

The rule: a parser entry point given *any* bytes either returns or raises a ``screening.errors.ScreeningError``.
Any other exception - and any broken invariant a harness asserts - is a finding; atheris stops, prints the traceback
and writes the input to ``<artifact_prefix>crash-<sha1>``.

Run a harness directly (libFuzzer flags pass through)::

    .venv/bin/python fuzz/fuzz_pdf.py -max_total_time=60 -timeout=30 -rss_limit_mb=2048 [CORPUS_DIR ...]

Without a corpus directory (or with an empty one) the harness writes its seeds (valid documents made by ``tests/factories.py``) into a
temporary folder (or that one) and starts from those. ``tests/robustness/test_fuzz.py`` runs each for a few seconds in ``make
test``; ``bench/fuzz.py`` runs them for longer and records what they found.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def instrumented(*libraries: str):
    """Coverage instrumentation for our package and the parser ``libraries`` the harness drives.

    Instrumenting everything imported (pydantic, email …) costs ~15 s of start-up for no guidance; with
    ``SCREENING_FUZZ_LIGHT=1`` (the short CI run) only ``screening`` itself is instrumented.
    """
    import atheris

    light = os.environ.get("SCREENING_FUZZ_LIGHT") == "1"
    return atheris.instrument_imports(include=["screening", *(() if light else libraries)])


def run(test_one_input: Callable[[bytes], None], seeds: Callable[[], dict[str, bytes]]) -> None:
    """Start atheris on ``test_one_input``; add a seed corpus folder unless the command line names one."""
    import atheris

    args = list(sys.argv)
    folders = [Path(arg) for arg in args[1:] if not arg.startswith("-")]
    if not folders:
        folders = [Path(tempfile.mkdtemp(prefix="screening-fuzz-seeds-"))]
        args.append(str(folders[0]))
    if not any(folders[0].iterdir()):  # a new corpus starts from the seeds
        for name, data in seeds().items():
            (folders[0] / name).write_bytes(data)
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


def load_checked(data: bytes, filename: str, limits):
    """``load_document`` under the harness rule, plus the invariant every Document keeps: block offsets index its
    text exactly. Returns the Document, or None for a refusal (a ``ScreeningError``)."""
    from screening.documents import load_document
    from screening.errors import ScreeningError

    try:
        doc = load_document(data, filename=filename, limits=limits)
    except ScreeningError:
        return None
    assert doc.text == "\n".join(block.text for block in doc.blocks)
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
    return doc


def limits_for_fuzzing():
    """Small limits, PDFs parsed in-process: libFuzzer's own -timeout and -rss_limit_mb are the outer fence."""
    from screening.documents import Limits

    return Limits(
        max_bytes=2 * 1024 * 1024,
        max_pages=20,
        parse_seconds=5.0,
        max_zip_entries=200,
        max_unzipped_bytes=20 * 1024 * 1024,
        max_stream_bytes=8 * 1024 * 1024,
        max_decoded_bytes=32 * 1024 * 1024,
        isolate_pdf=False,
    )
