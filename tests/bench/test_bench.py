"""The benchmark runs, at its smallest sizes: every scenario gives its figures in bench.json, and
every export in it is complete. Not a timing test: the figures themselves are the benchmark's
business (scripts/bench), on a machine left alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


# Three minutes of scripts/test's twelve: scripts/reliability runs it (as does scripts/bench
# itself, every target checked).
@pytest.mark.reliability
def test_the_quick_benchmark_runs_and_every_export_is_complete(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(HERE / "bench.py"), "--quick", "--json", str(out),
         "--work", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))

    assert set(result) >= {"machine", "site", "sizes", "help", "exports", "listing", "naive",
                           "deletes", "screenshots", "nightly", "targets", "command",
                           "again"}  # fmt: skip
    assert result["site"] == {"latency_ms": 50, "rate_limit": 200.0, "page_size": 10}
    for export in [*result["exports"], result["listing"]]:
        assert export["complete"] is True, export
        assert export["exit_code"] == 0
        assert export["requests"] >= export["pages"]
        assert export["lower_bound_seconds"] > 0 and export["ratio_to_bound"] > 0
        assert export["peak_mb"] > 0
    assert [e["recordings"] for e in result["exports"]] == list(result["sizes"]["exports"])
    assert result["again"]["complete"] is True and result["again"]["audio_requests"] == 0
    assert result["naive"]["complete"] is True
    assert {(d["recordings"], d["export_checked"]) for d in result["deletes"]} == {
        *((n, True) for n in result["sizes"]["exports"]),
        *((n, False) for n in result["sizes"]["deletes"]),
    }
    for delete in result["deletes"]:
        assert delete["exit_code"] == 0 and delete["left_on_site"] == 0
        assert delete["page_actions"] > 0
    for flow in result["screenshots"].values():
        assert flow["seconds_with"] > 0 and flow["seconds_without"] > 0
    assert result["nightly"]["nothing_to_do"] is True
    assert result["help"]["seconds"] > 0
    assert all({"target", "value", "limit", "met"} <= set(t) for t in result["targets"])
    assert "scenario" in done.stdout  # the table
