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
    # The fair comparison: a bare dispatcher making the bot's own calls (every update answered,
    # or the exit code above would be 1).
    assert lines[-2].startswith("full/same-calls throughput ratio: ")
    float(lines[-2].split(": ")[1].split(" ")[0])


def test_question_benchmark_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import questions

    questions.main(["--repeat", "1"])  # its exit code also says whether p99 < 5 ms: not asserted
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    # The languages, each with the audience its readers get; then the other audiences offered.
    assert [row.split(" | ")[:2] for row in rows[1:5]] == [
        ["| ru", "default"],
        ["| uk", "default"],
        ["| en", "default"],
        ["| ko", "dprk"],
    ]
    assert ["| ru", "foreign"] in [row.split(" | ")[:2] for row in rows[6:]]
    for row in rows[1:5]:
        assert float(row.split(" | ")[3].rstrip("%")) >= 85  # top-3 accuracy, as the tests assert
