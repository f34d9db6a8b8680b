"""What both browser suites share besides the browser fixture: Debian's Chromium, its flags for this closed network,
and the marks that skip a suite without it."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("SCREENING_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"未找到 Chromium（{CHROMIUM}）：运行 `make browser` 安装后再测端到端。"
    ),
]
