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
