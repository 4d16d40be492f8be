"""The benchmark still runs end to end (tiny sizes; no assertion on speed)."""

from __future__ import annotations

import pytest

from benchmarks import run


def test_benchmark_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    code = run.main(
        ["--readers", "20", "--updates", "300", "--rounds", "1", "--idle", "500", "--skip-startup"]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0, "\n".join(lines)
    assert lines[-1].startswith("full/bare throughput ratio: ")
    float(lines[-1].rsplit(" ", 1)[1])


def test_question_benchmark_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import questions

    assert questions.main(["--repeat", "1"]) == 0  # p99 under 5 ms, top-3 at least 85%
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in rows[1:5]] == ["| ru", "| uk", "| en", "| ko"]
