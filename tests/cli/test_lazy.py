"""The root command lists every command without importing them, and each listed command resolves to the real one."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from screening.cli import COMMANDS, app, build_command

runner = CliRunner()
HEAVY = [
    "screening.pipeline",
    "screening.category",
    "screening.archive",
    "sklearn",
    "sqlalchemy",
    "spacy",
    "torch",
    "jieba",
    "screening.documents",
    "screening.services",
    "numpy",
]


def test_root_help_lists_every_command():
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name, spec in COMMANDS.items():
        assert name in result.stdout and spec.help in result.stdout


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_listed_command_resolves_to_its_module(name):
    command = build_command(name)
    assert command.name == name and command.help == COMMANDS[name].help
    assert command.params or getattr(command, "commands", None)  # a real command, not the placeholder


def test_help_and_campaigns_import_none_of_the_pipeline():
    code = (
        "import sys; from typer.testing import CliRunner; from screening.cli import app;"
        "r = CliRunner(); assert r.invoke(app, ['--help']).exit_code == 0;"
        "assert r.invoke(app, ['campaigns']).exit_code == 0;"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_subcommand_help_is_the_real_one():
    result = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "--campaign" in result.stdout and "--no-model" in result.stdout


def test_unknown_command_is_a_usage_error_with_a_suggestion():
    result = runner.invoke(app, ["chek"])
    assert result.exit_code == 2 and "check" in result.output
