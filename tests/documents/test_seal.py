"""Red official seals found by colour and shape; red headings, rules and emblems do not count."""

import pytest

from screening.documents.seal import find_seals
from tests.documents.scans import FONT_PATH, ScanStyle, page_image, scan_text

pytestmark = pytest.mark.skipif(not FONT_PATH.exists(), reason="needs Debian fonts-wqy-zenhei (installed by make)")
HEADING = "某某市广播电视局文件"


@pytest.mark.parametrize(
    "style",
    [
        ScanStyle(dpi=150, seal=True),
        ScanStyle(dpi=200, seal=True, seal_at=(110, 70), rotate=1.2, blur=1.0, noise=6),
        ScanStyle(dpi=300, seal=True, seal_at=(60, 240), seal_mm=38, blur=1.5),
        ScanStyle(dpi=200, seal=True, logo=True, red_heading=HEADING),
    ],
)
def test_a_stamped_page_has_one_seal_where_it_was_stamped(style):
    seals = find_seals(page_image(scan_text(9), style), dpi=style.dpi)
    assert len(seals) == 1
    x_mm = (seals[0].x0 + seals[0].x1) / 2 / 72 * 25.4
    y_mm = (seals[0].top + seals[0].bottom) / 2 / 72 * 25.4
    assert abs(x_mm - style.seal_at[0]) < 5 and abs(y_mm - style.seal_at[1]) < 5


@pytest.mark.parametrize(
    "style",
    [
        ScanStyle(dpi=200),
        ScanStyle(dpi=200, logo=True),
        ScanStyle(dpi=200, red_heading=HEADING),
        ScanStyle(dpi=300, logo=True, red_heading=HEADING, rotate=1.0, blur=1.0),
    ],
)
def test_red_headings_rules_and_emblems_are_not_seals(style):
    assert find_seals(page_image(scan_text(9), style), dpi=style.dpi) == []


def test_a_filled_red_disc_of_seal_size_is_not_a_seal():
    from PIL import ImageDraw

    page = page_image(scan_text(3), ScanStyle(dpi=100))
    ImageDraw.Draw(page).ellipse([300, 400, 460, 560], fill=(214, 32, 38))
    assert find_seals(page, dpi=100) == []
