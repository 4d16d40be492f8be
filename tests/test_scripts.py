"""scripts/setup and scripts/run-bot, with a stand-in for Python that records what it is asked to
do: which Python they need, what they install, and that a failed installation leaves no .venv."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

FAKE_PYTHON = """#!/usr/bin/env bash
# Records every call; answers the version check with $FAKE_VERSION_OK (0: new enough).
echo "$*" >> "$FAKE_LOG"
if [ "$1" = "-c" ]; then exit "${FAKE_VERSION_OK:-0}"; fi
if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; exit 0; fi
if [ "$1 $2" = "-m pip" ] && [ -n "${FAKE_PIP_FAILS:-}" ] && [[ "$*" == *" -e "* ]]; then exit 1; fi
exit 0
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    for name in ("setup", "run-bot"):
        shutil.copy2(ROOT / "scripts" / name, tmp_path / "scripts" / name)
    fake = tmp_path / "fake-python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    return tmp_path


def run(project: Path, script: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(project / "scripts" / script)],
        cwd=project,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHON": str(project / "fake-python"),
            "FAKE_LOG": str(project / "calls.log"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def calls(project: Path) -> list[str]:
    return (project / "calls.log").read_text().splitlines()


def test_setup_says_which_python_it_needs(project: Path) -> None:
    result = run(project, "setup", FAKE_VERSION_OK="1")  # a Python older than 3.11
    assert result.returncode == 1
    assert "Python 3.11 or newer" in result.stderr and "PYTHON=" in result.stderr
    assert not (project / ".venv").exists()


def test_a_failed_installation_leaves_no_half_made_venv(project: Path) -> None:
    result = run(project, "setup", FAKE_PIP_FAILS="1")
    assert result.returncode != 0
    assert not (project / ".venv").exists()
    assert "removed the half-made .venv" in result.stderr
    # A .venv that a killed run left without its mark is made again, not trusted.
    (project / ".venv" / "bin").mkdir(parents=True)
    result = run(project, "setup")
    assert result.returncode == 0, result.stderr
    assert (project / ".venv" / ".installed").exists()
    assert any(call.startswith("-m venv") for call in calls(project)[-4:])


def test_the_bot_is_installed_without_the_test_tools_to_run_it(project: Path) -> None:
    result = run(project, "run-bot")
    assert result.returncode == 0, result.stderr
    installs = [call for call in calls(project) if " -e " in f" {call} "]
    assert installs == ["-m pip install --quiet -e ."]  # not '.[test]'
    assert calls(project)[-1] == "-m bot"  # then the bot runs
    # For developers and CI, scripts/setup adds the test tools.
    assert run(project, "setup").returncode == 0
    assert calls(project)[-1] == "-m pip install --quiet -e .[test]"


def test_pyproject_names_the_pythons_the_licence_and_keeps_test_tools_apart() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    assert project["requires-python"] == ">=3.11"  # 3.11 to 3.13 are tested
    # An SPDX expression (PEP 639): setuptools warns that the {text = ...} table is deprecated.
    assert project["license"] == "MIT"
    assert "setuptools>=77" in pyproject["build-system"]["requires"][0]
    tools = ("pytest", "hypothesis", "ruff")
    assert not [dep for dep in project["dependencies"] if dep.lower().startswith(tools)]
