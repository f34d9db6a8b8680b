"""Every hostile file in ``tests/hostile.py`` ends in a defined outcome, within budget, and the process keeps serving.

Each case runs in a sacrificial process (``probe.py``) with a capped address space, so a parser that hangs, crashes
or allocates without bound fails that one case instead of taking pytest down. Per case we require:

- the outcome is one the catalogue allows (an error code of ``screening.errors``, or ``ok`` for a still-readable
  file), never an exception that is not a ``ScreeningError``;
- a refusal carries a Chinese message;
- the answer comes before the guard's own deadline has clearly passed (its ``parse_seconds`` + kill grace, plus slack
  for a loaded machine): this is a hang detector, not a speed test;
- the process's peak RSS stays under ``Limits.max_rss_bytes`` (the budget the guard gives a PDF parse);
- valid DOCX, PDF and text files still parse in the same process afterwards.
"""

from __future__ import annotations

import re

import pytest

from screening.documents import Limits
from tests import hostile
from tests.robustness.isolation import Probe
from tests.robustness.known_bugs import marked

CASES = hostile.intake_cases()
SLACK_SECONDS = 15.0  # process start, generating the input, a busy CI machine
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def probe():
    probe = Probe()
    yield probe
    probe.close()


@pytest.mark.parametrize("case", marked(CASES))
def test_hostile_file_ends_in_a_defined_outcome(probe, case):
    limits = Limits.from_settings(**case.limits)
    answer = probe.ask(case.name, timeout=limits.parse_seconds + limits.kill_grace_seconds + SLACK_SECONDS)

    assert answer["outcome"] in case.expect, answer
    if answer["outcome"] != hostile.OK:
        assert CHINESE.search(answer["message"]), answer
    assert answer["peak_rss_mb"] * 1024 * 1024 < limits.max_rss_bytes, answer
    assert answer["serving"], answer


def test_catalogue_names_are_unique_and_every_case_builds_quickly_enough_to_be_a_test():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert all(case.expect for case in CASES)
    assert all(len(case.make()) < 2 * 1024 * 1024 for case in CASES)  # hostile by structure, not by size
