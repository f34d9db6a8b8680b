"""The browser suites' fixture: one Chromium per module (its path and flags: ``tests.e2e.helpers``)."""

import pytest

from tests.e2e.helpers import ARGS, CHROMIUM


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield instance
        instance.close()
