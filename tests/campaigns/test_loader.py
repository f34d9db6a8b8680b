"""A malformed rulebook is refused with a message naming the file and the field."""

import pytest

from screening.campaigns import load_campaign
from screening.config import DEFAULTS as settings
from screening.errors import RulebookError

GOOD = settings.campaigns_dir / "nrta-2025-media-convergence.toml"


def _write(tmp_path, text, name="nrta-2025-media-convergence.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rulebook_loads():
    assert load_campaign(GOOD).id == "nrta-2025-media-convergence"


def test_missing_field_names_file_and_field(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace('notice_number = "广电办发〔2025〕45号"\n', "")
    with pytest.raises(RulebookError) as err:
        load_campaign(_write(tmp_path, text))
    assert "nrta-2025-media-convergence.toml" in err.value.message
    assert "notice_number" in err.value.message


def test_wrong_type_names_the_nested_field(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace("limit = 1000", 'limit = "一千"')
    with pytest.raises(RulebookError) as err:
        load_campaign(_write(tmp_path, text))
    assert "materials.0.limit" in err.value.message


def test_unknown_key_is_refused(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace("year = 2025", "year = 2025\nyaer = 2025")
    with pytest.raises(RulebookError) as err:
        load_campaign(_write(tmp_path, text))
    assert "yaer" in err.value.message


def test_invalid_toml_is_reported(tmp_path):
    with pytest.raises(RulebookError) as err:
        load_campaign(_write(tmp_path, 'id = "x\n'))
    assert "TOML" in err.value.message


def test_silence_must_be_explained(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace("[quotas]\nspecified = true", "[quotas]\nspecified = false")
    with pytest.raises(RulebookError) as err:  # quotas marked unspecified, but no note says what the notice said
        load_campaign(_write(tmp_path, text))
    assert "quotas" in err.value.message and "note" in err.value.message


def test_id_must_match_file_name(tmp_path):
    with pytest.raises(RulebookError) as err:
        load_campaign(_write(tmp_path, GOOD.read_text(encoding="utf-8"), name="other.toml"))
    assert "文件名" in err.value.message


def test_duplicate_category_names_are_refused(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace('name = "融合生产传播"', 'name = "新媒体平台建设"')
    with pytest.raises(RulebookError) as err:
        load_campaign(_write(tmp_path, text))
    assert "重复" in err.value.message


def test_unknown_element_role_is_refused(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace('role = "opening"', 'role = "beginning"', 1)
    with pytest.raises(RulebookError) as err:
        load_campaign(_write(tmp_path, text))
    assert "categories.0.elements.0.role" in err.value.message


def test_two_results_elements_in_one_category_are_refused(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace('role = "opening"', 'role = "results"', 1)
    with pytest.raises(RulebookError) as err:
        load_campaign(_write(tmp_path, text))
    assert "elements.role" in err.value.message and "results" in err.value.message


def test_an_element_id_plays_one_role_across_categories(tmp_path):
    text = GOOD.read_text(encoding="utf-8")
    last = text.rindex('role = "opening"')  # the last category's overview no longer opens
    with pytest.raises(RulebookError) as err:
        load_campaign(_write(tmp_path, text[:last] + text[last:].replace('role = "opening"\n', "", 1)))
    assert "overview" in err.value.message and "role" in err.value.message


def test_export_table_must_be_sourced(tmp_path):
    text = GOOD.read_text(encoding="utf-8")
    note = next(line for line in text.splitlines() if line.startswith("note = ") and "推荐排序表" in line)
    with pytest.raises(RulebookError) as err:  # a table name with neither the notice's clause nor a note
        load_campaign(_write(tmp_path, text.replace(note + "\n", "")))
    assert "export" in err.value.message
