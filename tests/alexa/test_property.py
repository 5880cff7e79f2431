"""The promise as a property: whatever runs in whatever order (exports, deletes of random
ranges, wipes, auto-delete, runs killed part-way, faults switched on and off, new recordings
said in between, late ones, recordings deleted in the app, the export's files damaged), after
every step every recording gone from the site is in a verified export (or was deleted with
--no-export, or elsewhere, on purpose), nothing is in the export twice, the manifest's
checksums match the files (tests/alexa/invariants.py), and every count a command's summary
gives of what it deleted is what the mock's state shows it deleted.

Hypothesis drives a state machine of real commands against the mock site. The main suite's
budget is small (a few sequences); the full one is behind VOICEWIPE_RELIABILITY=full (see the
README's "Reliability" section). Hypothesis keeps no example database: a failure prints the
sequence of steps that broke the promise.
"""

from __future__ import annotations

import json
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
EXAMPLES, STEPS = (12, 8) if FULL else (2, 4)
FAULTS = {
    "none": {"fail_rate": 0.0, "rate_limit": 0.0, "latency_ms": 0},
    "503s": {"fail_rate": 0.05},
    "throttled": {"rate_limit": 20.0, "rate_burst": 4},
    "slow": {"latency_ms": 40},
}


def _day(key: str) -> str:
    """The local day of a record key (customerId#timestamp#deviceType#serial)."""
    return datetime.fromtimestamp(int(key.split("#")[1]) / 1000).astimezone().date().isoformat()


def _deleted(mock: MockSite, *, settled: bool = False) -> int:
    """How many voice recordings the mock has deleted; `settled`: once no deletion is still in
    progress (a bulk deletion the command asked for finishes a moment later)."""
    deadline = time.monotonic() + 5
    while True:
        state = mock.state()
        busy = any(d["status"] != "COMPLETED" for d in state["deletions"])
        if not (settled and busy) or time.monotonic() > deadline:
            return int(state["histories"]["voice"]["deleted"])
        time.sleep(0.1)


def _said_deleted(summary: dict) -> int | None:
    """What a summary says its run deleted (the delete's read-back, and what a shorter
    auto-delete setting deleted at once); None where it stopped before it could know."""
    said = 0
    delete, auto = summary.get("delete") or {}, summary.get("auto_delete") or {}
    if delete and not delete.get("rehearsal"):
        if "deleted" not in delete or delete.get("unchecked_deleted"):
            return None  # stopped part-way (the next run reports it), or said so itself
        said += int(delete["deleted"])
    if auto and not auto.get("rehearsal"):
        if "retention" not in auto:
            return None
        said += int(auto.get("deleted_by_setting") or 0)
    return said


class Promise(RuleBasedStateMachine):
    mock: MockSite  # set by the test, shared by every example
    root: Path  # the test's own temporary folder

    def __init__(self) -> None:
        super().__init__()
        self.mock.reset(MockConfig(recordings=40, deletion_delay_s=0.5))
        self.folder = Path(tempfile.mkdtemp(prefix="example-", dir=self.root))
        self.out = self.folder / "out"
        self.on_purpose: set[str] = set()
        self.damaged: set[str] = set()  # audio files changed in place by the_export_is_damaged
        self.commands = 0

    def _vw(self, *args: str) -> int:
        """Run a command; its summary's counts of what it deleted must be the mock's."""
        self.commands += 1
        before = _deleted(self.mock)
        result = run_cli(
            *args, "--json", "--out", str(self.out), "--site", self.mock.url, timeout=240
        )
        assert "Traceback" not in result.err and "internal error" not in result.err, result.err
        assert result.code in (0, 1, 3, 4), result.err
        said = _said_deleted(json.loads(result.out)) if result.out.strip() else None
        if said is not None:
            assert _deleted(self.mock, settled=True) - before == said, (args, result.out)
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
            if run.run_for(after):
                assert run.kill() == -signal.SIGKILL
        finally:
            run.end()

    @rule(count=st.integers(1, 15))
    def new_recordings_are_said(self, count: int) -> None:
        self.mock.arrive(count)

    @rule(count=st.integers(1, 5), hours=st.floats(1, 120))
    def late_recordings_reach_the_history(self, count: int, hours: float) -> None:
        self.mock.arrive(count, late_s=hours * 3600)

    @rule(data=st.data())
    def recordings_are_deleted_in_the_app(self, data: st.DataObject) -> None:
        present = sorted(self.mock.keys("voice")["present"])
        if not present:
            return
        chosen = set(data.draw(st.lists(st.sampled_from(present), max_size=5), label="keys"))
        with self.mock.site.lock:
            self.mock.site.data.delete_now("voice", chosen)
        self.on_purpose |= chosen

    @rule(damage=st.sampled_from(["drop a line", "cut the last line", "change an audio file"]))
    def the_export_is_damaged(self, damage: str) -> None:
        archive = invariants.archive_of(self.out)
        history = archive / "voice-history.jsonl"
        if damage == "change an audio file":
            files = sorted((archive / "audio").glob("*.wav")) if archive.exists() else []
            if files:
                before = files[0].stat()
                data = bytearray(files[0].read_bytes())
                data[-1] ^= 0xFF
                files[0].write_bytes(bytes(data))
                os.utime(files[0], ns=(before.st_atime_ns, before.st_mtime_ns))
                self.damaged.add(files[0].name)
            return
        lines = history.read_text(encoding="utf-8").splitlines(True) if history.exists() else []
        if len(lines) > 1:
            cut = lines[1:] if damage == "drop a line" else [*lines[:-1], lines[-1][:10]]
            history.write_text("".join(cut), encoding="utf-8")

    @rule(fault=st.sampled_from(sorted(FAULTS)))
    def the_site_changes_its_manners(self, fault: str) -> None:
        self.mock.configure(**FAULTS[fault])

    # --- what must hold after each of them --------------------------------------------------------
    @invariant()
    def nothing_lost_doubled_or_half_taken(self) -> None:
        invariants.check(
            self.mock, self.out, deleted_on_purpose=self.on_purpose, damaged_on_purpose=self.damaged
        )


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
