"""The promise as a property: whatever runs in whatever order (exports, deletes of random
ranges, wipes, auto-delete, runs killed part-way, faults switched on and off, new recordings
said in between), after every step every recording gone from the site is in a verified
export (or was deleted with --no-export on purpose), nothing is in the export twice, and the
manifest's checksums match the files (tests/alexa/invariants.py).

Hypothesis drives a state machine of real commands against the mock site. The main suite's
budget is small (a few sequences); the full one is behind VOICEWIPE_RELIABILITY=full (see the
README's "Reliability" section). Hypothesis keeps no example database: a failure prints the
sequence of steps that broke the promise.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from datetime import datetime
from pathlib import Path

import invariants
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from processes import Voicewipe

from clirun import run_cli
from voicewipe.mock import MockConfig, MockSite

FULL = os.environ.get("VOICEWIPE_RELIABILITY") == "full"
EXAMPLES, STEPS = (12, 8) if FULL else (2, 5)
FAULTS = {
    "none": {"fail_rate": 0.0, "rate_limit": 0.0, "latency_ms": 0},
    "503s": {"fail_rate": 0.05},
    "throttled": {"rate_limit": 20.0, "rate_burst": 4},
    "slow": {"latency_ms": 40},
}


def _day(key: str) -> str:
    """The local day of a record key (customerId#timestamp#deviceType#serial)."""
    return datetime.fromtimestamp(int(key.split("#")[1]) / 1000).astimezone().date().isoformat()


class Promise(RuleBasedStateMachine):
    mock: MockSite  # set by the test, shared by every example
    root: Path  # the test's own temporary folder

    def __init__(self) -> None:
        super().__init__()
        self.mock.reset(MockConfig(recordings=40, deletion_delay_s=0.5))
        self.folder = Path(tempfile.mkdtemp(prefix="example-", dir=self.root))
        self.out = self.folder / "out"
        self.on_purpose: set[str] = set()
        self.commands = 0

    def _vw(self, *args: str) -> int:
        self.commands += 1
        result = run_cli(*args, "--out", str(self.out), "--site", self.mock.url, timeout=240)
        assert "Traceback" not in result.err and "internal error" not in result.err, result.err
        assert result.code in (0, 1, 3, 4), result.err
        return result.code

    # --- what a person (or cron, or the world) does ---------------------------------------------
    @rule()
    def export(self) -> None:
        self._vw("export")

    @rule()
    def wipe(self) -> None:
        self._vw("wipe", "--yes")

    @rule(data=st.data())
    def delete_a_range(self, data: st.DataObject) -> None:
        present = self.mock.keys("voice")["present"]
        if not present:
            return
        days = sorted({_day(k) for k in present})
        first = data.draw(st.sampled_from(days), label="since")
        last = data.draw(st.sampled_from([d for d in days if d >= first]), label="until")
        self._vw("delete", "--since", first, "--until", last, "--yes")

    @rule()
    def delete_without_an_export_on_purpose(self) -> None:
        before = set(self.mock.keys("voice")["present"])
        self._vw("delete", "--all", "--no-export", "--yes")
        self.on_purpose |= before - set(self.mock.keys("voice")["present"])

    @rule(keep=st.sampled_from(["3-months", "18-months"]))
    def auto_delete(self, keep: str) -> None:
        self._vw("auto-delete", keep, "--yes")

    @rule(command=st.sampled_from(["export", "wipe"]), after=st.floats(0.5, 8.0))
    def killed_part_way(self, command: str, after: float) -> None:
        args = [command, "--out", str(self.out), "--site", self.mock.url]
        if command == "wipe":
            args.append("--yes")
        run = Voicewipe(args, state=Path(os.environ["XDG_STATE_HOME"]), log=self.folder / "k.log")
        try:
            deadline = time.monotonic() + after
            while time.monotonic() < deadline and run.proc.poll() is None:
                run.watch()
                time.sleep(0.05)
            if run.proc.poll() is None:
                assert run.kill() == -signal.SIGKILL
        finally:
            run.end()

    @rule(count=st.integers(1, 15))
    def new_recordings_are_said(self, count: int) -> None:
        self.mock.arrive(count)

    @rule(fault=st.sampled_from(sorted(FAULTS)))
    def the_site_changes_its_manners(self, fault: str) -> None:
        self.mock.configure(**FAULTS[fault])

    # --- what must hold after each of them --------------------------------------------------------
    @invariant()
    def nothing_lost_doubled_or_half_taken(self) -> None:
        invariants.check(self.mock, self.out, deleted_on_purpose=self.on_purpose)


def test_the_promise_holds_whatever_happens(mock_server: MockSite, tmp_path: Path) -> None:
    Promise.mock, Promise.root = mock_server, tmp_path
    run_state_machine_as_test(
        Promise,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
