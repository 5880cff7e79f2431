"""The fault matrix: each case runs the real commands against the mock site with one fault
switched on, then checks the outcome (finished, or stopped with the right exit code, message
and screenshot) and, through the mock's keys and the export on disk, that nothing was lost,
doubled or half-taken (tests/alexa/invariants.py). Every case lists 10 records a page, as the
real site answers whatever a client asks for.

The main suite (scripts/test) runs every case once, killing an export at one random point;
the whole matrix, with six kill points of each command and the `reliability` cases, is behind
one command (README, "Reliability"):

    scripts/reliability
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import invariants
import pytest
import reportview
from playwright.sync_api import expect
from processes import Voicewipe, alive

from voicewipe.alexa.summary import describe

FULL = os.environ.get("VOICEWIPE_RELIABILITY") == "full"
KILL_POINTS = 6 if FULL else 1


def _one_line_error(err: str) -> None:
    assert "Traceback" not in err, err[-3000:]
    errors = [line for line in err.splitlines() if line.startswith("voicewipe:")]
    assert len(errors) == 1, err[-3000:]


def _screenshot_of_the_stop(out: Path) -> Path:
    run = sorted((out / "runs").iterdir())[-1]
    shots = sorted(run.glob("*.png"))
    assert shots, f"no screenshot in {run}"
    return shots[-1]


# --- the network and the backend ---------------------------------------------------------------
def test_latency_and_its_spikes(mock, vw):
    mock.reset(
        page_size=10, recordings=40, latency_ms=30, latency_spike_ms=1500, latency_spike_rate=0.05
    )
    done = vw("wipe", "--yes", "--json")
    assert done.code == 0, done.result.err
    counts = invariants.check(mock, done.out)
    assert counts == {"exported": 40, "deleted": 40, "present": 0}


def test_a_fifth_of_requests_fail_with_503(mock, vw):
    # One request in five (pages, JSON, audio) answered 503: each is asked again after its
    # backoff, at the same pace, and the summary counts what happened. (An export: the
    # delete's and auto-delete's pages make requests of their own, whose failures the pages
    # show; a wipe stops then, in one line: the reliability case below.)
    mock.reset(page_size=10, recordings=60, latency_ms=5, seed=7)
    assert vw("login", "--no-screenshots").code == 0  # its form posts are clicks: see below
    mock.configure(fail_rate=0.2)
    done = vw("export", "--json", "--no-screenshots")
    assert done.code == 0, done.result.err
    injected = mock.state()["requests"]["injected_failures"]
    retries = done.summary["retries"]
    assert 0 < retries["server_errors"] <= injected  # each retry met a 503 the mock sent
    assert retries["throttled"] == 0  # a 503 is not throttling
    assert retries["time_lost_s"] > 0
    assert "the site is failing: " in done.result.err
    assert "Site faults: " in describe(done.summary)
    assert done.summary["export"]["verified"] is True
    assert invariants.check(mock, done.out)["exported"] == 60


def test_bursts_of_503s_are_waited_out(mock, vw):
    # The site down for 1 s in every 2 (a deploy, a failing backend): requests meet the
    # outage, and the backoff outlasts it. (1 s in 3 let a quick export slip between two.)
    # Signed in before: the sign-in's form posts are clicks, which an outage fails (the
    # sign-in flow then stops in one line).
    mock.reset(page_size=10, recordings=40, latency_ms=10)
    assert vw("login", "--no-screenshots").code == 0
    mock.configure(fail_burst_s=1, fail_burst_every_s=2)  # the outages' clock starts now
    done = vw("export", "--json", "--no-screenshots")
    assert done.code == 0, done.result.err
    assert mock.state()["requests"]["injected_failures"] > 0  # an outage did come
    assert done.summary["retries"]["server_errors"] > 0
    assert done.summary["export"]["verified"] is True
    assert invariants.check(mock, done.out)["exported"] == 40


def _timed_export(mock, vw, where: Path, **faults: float):
    mock.reset(page_size=10, recordings=300, latency_ms=10, seed=3)
    assert vw("login", "--no-screenshots", into=where).code == 0  # the same start for both
    mock.configure(**faults)
    began = time.monotonic()
    done = vw("export", "--json", "--no-screenshots", timeout=600, into=where)
    return time.monotonic() - began, done


@pytest.mark.reliability  # scripts/test: test_a_fifth_of_requests_fail_with_503, 60 recordings
def test_a_steady_fifth_of_503s_costs_less_than_twice_the_time(mock, vw, tmp_path):
    # The case: 300 recordings with their audio, one request in five answered 503,
    # against the same export without faults, in the same run of the test.
    calm, plain = _timed_export(mock, vw, tmp_path / "calm")
    assert plain.code == 0, plain.result.err
    failing, done = _timed_export(mock, vw, tmp_path / "failing", fail_rate=0.2)
    print(f"export of 300: {calm:.1f} s; with 20% of 503s {failing:.1f} s", done.summary["retries"])
    if done.code != 0:  # allowed: a request that met ten 503s in a row stops the run
        _one_line_error(done.result.err)
        assert "the site is failing; nothing more was done" in done.result.err
        invariants.check(mock, done.out)
        return
    assert done.summary["export"]["verified"] is True
    assert done.summary["export"]["with_audio"] == plain.summary["export"]["with_audio"]
    assert invariants.check(mock, done.out)["exported"] == 300
    assert failing / calm < 2, (calm, failing)
    assert done.summary["retries"]["server_errors"] > 0


@pytest.mark.reliability  # the page's own requests fail too: a wipe finishes or stops in a line
def test_a_wipe_with_a_fifth_of_503s_finishes_or_stops_in_one_line(mock, vw):
    mock.reset(page_size=10, recordings=60, latency_ms=5, fail_rate=0.2, seed=11)
    done = vw("wipe", "--yes", "--json", timeout=400)
    if done.code != 0:
        _one_line_error(done.result.err)
    counts = invariants.check(mock, done.out)  # nothing deleted that the export lacks
    assert done.code != 0 or counts == {"exported": 60, "deleted": 60, "present": 0}


@pytest.mark.reliability  # scripts/test: test_engine_faults.py's flow that keeps failing
def test_a_site_that_stays_down_stops_the_export_in_one_line(mock, vw, out):
    mock.reset(page_size=10, recordings=120, latency_ms=20)
    fault = _when(lambda: _audio_files(out) >= 20, lambda: mock.configure(fail_rate=1.0))
    done = vw("export", "--json", timeout=400)
    fault.join()
    assert done.code == 1, done.result.err
    _one_line_error(done.result.err)
    assert "failed 10 times in a row (answered 503" in done.result.err
    assert "the site is failing: " in done.result.err
    assert done.summary["retries"]["server_errors"] >= 9
    assert mock.state()["signin"]["successes"] == 1  # no sign-in again: the site was failing
    invariants.check(mock, done.out)

    mock.configure(fail_rate=0.0)  # the site is back: the same command completes
    again = vw("export", "--json")
    assert again.code == 0, again.result.err
    assert again.summary["export"]["verified"] is True
    assert invariants.check(mock, again.out)["exported"] == 120


@pytest.mark.reliability  # scripts/test: test_throttling.py's throttled export waits out its 429s
def test_throttling_is_waited_out(mock, vw):
    mock.reset(page_size=10, recordings=60, rate_limit=15, rate_burst=3)
    done = vw("wipe", "--yes", "--json")
    assert done.code == 0, done.result.err
    assert mock.state()["requests"]["throttled"] > 0
    assert invariants.check(mock, done.out)["deleted"] == 60
    assert done.summary["export"]["verified"] is True


# --- the session --------------------------------------------------------------------------------
def _when(condition: Callable[[], bool], action: Callable[[], object]) -> threading.Thread:
    """Do `action` once `condition` holds (within 60 s), in the background: a fault that
    strikes in the middle of a command the test is running."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.01)
        action()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _audio_files(out: Path) -> int:
    audio = invariants.archive_of(out) / "audio"
    return len(list(audio.glob("*.wav"))) if audio.is_dir() else 0


def test_the_session_ends_in_the_middle_of_an_export(mock, vw, out):
    # Amazon ends the session while the audio downloads are going on (a sign-out on another
    # device, a password change): the export signs in again and completes.
    mock.reset(page_size=10, recordings=120, latency_ms=20)
    fault = _when(lambda: _audio_files(out) >= 20, lambda: mock.configure(expire_sessions=True))
    done = vw("export", "--json")
    fault.join()
    assert done.code == 0, done.result.err
    assert "the Amazon session ended during 'audio'" in done.result.err
    assert mock.state()["signin"]["successes"] == 2
    assert len(invariants.exported_records(done.out)) == 120
    assert done.summary["export"]["verified"] is True
    invariants.check(mock, done.out)
    retried = [s for s in done.run_json["steps"] if s["outcome"] == "retried"]
    assert retried and all("the session had ended" in s["message"] for s in retried)


def test_the_session_ends_in_the_middle_of_a_delete(mock, vw):
    # 50 a page: a session that dies after 9 requests must leave the signed-in-again delete
    # room to finish (its 40 records in one page), as each new session dies after 9 too.
    mock.reset(recordings=40)
    assert vw("export").code == 0
    # The next run signs in on its saved session; it dies a few requests into the delete.
    mock.configure(session_max_requests=9)
    done = vw("delete", "--all", "--yes", "--json")
    assert done.code == 0, done.result.err
    assert "the Amazon session ended during 'delete'" in done.result.err
    assert mock.state()["histories"]["voice"]["total"] == 0
    assert done.summary["delete"]["deleted"] == 40
    assert invariants.check(mock, done.out)["deleted"] == 40


@pytest.mark.reliability  # scripts/test: test_signin.py's headless CAPTCHA stops with exit 3
def test_a_captcha_in_the_middle_of_a_headless_run(mock, vw):
    mock.reset(page_size=10, recordings=60, session_max_requests=25)
    first = vw("export", "--json", "--no-audio")  # a saved session to start the next run on
    assert first.code == 0, first.result.err
    mock.configure(captcha="always")  # any sign-in from now on meets a CAPTCHA
    done = vw("wipe", "--yes", "--json")
    assert done.code == 3, done.result.err  # a person is needed
    _one_line_error(done.result.err)
    assert "voicewipe login --headed" in done.result.err
    assert _screenshot_of_the_stop(done.out).stat().st_size > 0
    assert mock.state()["histories"]["voice"]["total"] == 60  # nothing deleted
    invariants.check(mock, done.out)

    # The person signs in once (here: the CAPTCHA goes away), and the same wipe completes.
    mock.configure(captcha="never", session_max_requests=0)
    again = vw("wipe", "--yes", "--json")
    assert again.code == 0, again.result.err
    assert invariants.check(mock, again.out)["deleted"] == 60


@pytest.mark.reliability  # scripts/test: test_site_2026.py's stale tokens in both feeds
def test_stale_csrf_tokens_are_read_again(mock, vw):
    # The site refuses a CSRF token older than a second (403): the request step's `refresh`
    # reads it again from the page and the requests go on.
    mock.reset(page_size=10, recordings=60, latency_ms=20, csrf_ttl_s=1)
    done = vw("wipe", "--yes", "--json")
    assert done.code == 0, done.result.err
    assert mock.state()["requests"]["csrf_rejected"] > 0
    assert invariants.check(mock, done.out) == {"exported": 60, "deleted": 60, "present": 0}


@pytest.mark.reliability  # scripts/test: the session ends in the middle of an export
def test_short_sessions(mock, vw):
    # Sessions that last 8 s: a wipe outlives several; each flow signs in again as it must.
    mock.reset(page_size=10, recordings=150, latency_ms=30, session_ttl_s=8)
    done = vw("wipe", "--yes", "--json")
    assert done.code == 0, done.result.err
    assert mock.state()["signin"]["successes"] >= 2
    assert invariants.check(mock, done.out) == {"exported": 150, "deleted": 150, "present": 0}


# --- the disk -------------------------------------------------------------------------------------
def test_the_disk_fills_up_in_the_middle_of_an_export(mock, vw, tmpfs):
    # 150 audio files of 8 KB on a 1 MB tmpfs: it fills part-way. One line says where, the
    # manifest vouches for no file that is not whole, and once there is room the same
    # command completes with nothing lost.
    small = tmpfs("small", "size=1m")
    mock.reset(page_size=10, recordings=150, latency_ms=5, no_audio_fraction=0)
    done = vw("export", "--json", "--no-screenshots", into=small)
    assert done.code == 2, done.result.err
    _one_line_error(done.result.err)
    last = done.result.err.strip().splitlines()[-1]
    assert last.startswith(f"voicewipe: cannot write {small}/"), last
    assert "No space left on device" in last
    assert _audio_files(small) < 150  # how many fit depends on the run's own files too
    invariants.check(mock, small)

    grown = ["mount", "-o", "remount,size=16m", str(small)]
    subprocess.run(grown, check=True, capture_output=True)
    again = vw("export", "--json", "--no-screenshots", into=small)
    assert again.code == 0, again.result.err
    assert again.summary["export"]["verified"] is True
    assert again.summary["export"]["with_audio"] == 150
    assert invariants.check(mock, small)["exported"] == 150


# --- the page -------------------------------------------------------------------------------------
def test_the_redesigned_pages_stop_a_wipe_before_any_deletion(mock, vw):
    mock.reset(page_size=10, recordings=30, drift=True)
    # --timeout 5: the renamed button is waited for that long (the step's 20 s are a person's).
    done = vw("wipe", "--yes", "--json", "--timeout", "5")
    assert done.code == 1, done.result.err
    _one_line_error(done.result.err)
    assert "selector" in done.result.err
    assert mock.state()["histories"]["voice"]["total"] == 30
    invariants.check(mock, done.out)


# --- kills -------------------------------------------------------------------------------------
def test_the_browser_killed_in_the_middle_of_an_export(mock, vw, out, tmp_path):
    mock.reset(page_size=10, recordings=200, latency_ms=30)
    run = Voicewipe(
        ["export", "--site", mock.url, "--out", str(out)],
        state=tmp_path / "state",
        log=tmp_path / "err.log",
    )
    audio = invariants.archive_of(out) / "audio"
    try:
        deadline = time.monotonic() + 60
        while not (audio.is_dir() and len(list(audio.glob("*.wav"))) >= 10):
            assert time.monotonic() < deadline and run.proc.poll() is None, run.err
            time.sleep(0.05)
        browsers = run.browsers()
        assert browsers
        for pid in browsers:
            os.kill(pid, signal.SIGKILL)
        code = run.wait(timeout=60)  # it must notice and stop by itself
    finally:
        run.end()
    assert code == 1, run.err
    _one_line_error(run.err)
    invariants.check(mock, out)

    done = vw("wipe", "--yes", "--json")
    assert done.code == 0, done.result.err
    assert invariants.check(mock, out)["deleted"] == 200


# The main suite kills an export once (test_export.py kills one too); the wipe's kills, which
# take twice as long, are scripts/reliability's.
@pytest.mark.parametrize("command", ["export", pytest.param("wipe", marks=pytest.mark.reliability)])
def test_killed_at_random_points_then_run_again(mock, vw, out, tmp_path, command):
    """SIGKILL at a random moment (seeded, printed on failure), then the same command again,
    until it completes; the promises hold after every kill."""
    mock.reset(page_size=10, recordings=150, latency_ms=20, deletion_delay_s=1)
    rng = random.Random(f"kills-{command}")
    args = [command, "--site", mock.url, "--out", str(out), "--json"]
    if command == "wipe":
        args.append("--yes")
    for point in range(KILL_POINTS):
        after = rng.uniform(2.0, 14.0)
        run = Voicewipe(args, state=tmp_path / "state", log=tmp_path / f"kill-{point}.log")
        try:
            finished = not run.run_for(after)
            code = run.kill() if not finished else run.end()
        finally:
            run.end()
        assert finished or code == -signal.SIGKILL, f"kill {point} after {after:.1f} s"
        invariants.check(mock, out)
    done = vw(*args[:1], *args[5:])  # vw adds --site and --out
    assert done.code == 0, done.result.err
    counts = invariants.check(mock, out)
    if command == "wipe":
        assert counts == {"exported": 150, "deleted": 150, "present": 0}
    else:
        assert counts["exported"] == 150
        assert done.summary["export"]["verified"] is True


# --- signals -----------------------------------------------------------------------------------
NOISE = ("Traceback", "Future exception was never retrieved", "Task was destroyed")
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
SAID = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}


def _wait_for(run: Voicewipe, ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 90
    while not ready():
        assert run.proc.poll() is None, f"it ended before {what}: {run.err[-3000:]}"
        assert time.monotonic() < deadline, f"no {what} within 90 s"
        run.watch()
        time.sleep(0.02)


def _stopped(run: Voicewipe, signum: int, *, group: bool, where: str) -> dict[str, Any]:
    """Signal the run; it must end at once, saying one line, its browser closed, and leave
    run.json and report.html saying it was interrupted. Returns run.json."""
    code, took = run.interrupt(signum, group=group)
    return _said_stopped(run, signum, code, took, where)


def _said_stopped(run: Voicewipe, signum: int, code: int, took: float, where: str) -> dict:
    print(f"{SAID[signum]} {where}: ended {took:.2f} s after the signal")
    assert code == EXIT_CODES[signum], run.err[-3000:]
    assert took < 5, f"it took {took:.1f} s to stop"  # ~0.5 s measured; slack for a busy CI
    err = run.err
    assert not any(noise in err for noise in NOISE), err[-3000:]
    _one_line_error(err)
    assert f"voicewipe: interrupted by {SAID[signum]}" in err
    gone = time.monotonic() + 5  # the driver's children end just after it
    while any(alive(pid) for pid in run.helpers) and time.monotonic() < gone:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in run.helpers), "the browser outlived the run"
    folder = _run_folder(run)
    data = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert data["outcome"] == "interrupted"
    assert data["exit_code"] == EXIT_CODES[signum]
    assert data["interrupted"]["signal"] == SAID[signum]
    assert {"flow", "step", "running", "sent"} <= set(data["interrupted"])
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert f"Interrupted (exit code {EXIT_CODES[signum]})" in report
    assert "Failed (exit code" not in report
    return dict(data)


def _run_folder(run: Voicewipe) -> Path:
    """The run folder the run named on its terminal ("report: <folder>/report.html")."""
    named = [line for line in run.err.splitlines() if line.startswith("report: ")]
    assert named, run.err[-3000:]
    return Path(named[-1].removeprefix("report: ")).parent


def _run_logs(out: Path, but: frozenset[Path] = frozenset()) -> str:
    """The run folders' logs (every step line is there; the terminal says the phases), but
    those in `but`."""
    logs = set((out / "runs").glob("*/voicewipe.log")) - but if (out / "runs").is_dir() else set()
    return "".join(log.read_text(encoding="utf-8", errors="replace") for log in sorted(logs))


def _journal(out: Path) -> Path:
    return invariants.archive_of(out) / "pending-deletions.json"


def test_ctrl_c_just_past_the_confirm_click_is_read_back_by_the_next_run(
    mock, vw, out, tmp_path, browser
):
    mock.reset(page_size=10, recordings=40, deletion_delay_s=1)
    assert vw("export").code == 0
    args = ["delete", "--all", "--yes", "--site", mock.url, "--out", str(out)]
    run = Voicewipe(args, state=tmp_path / "state", log=tmp_path / "delete.log")
    try:
        _wait_for(run, lambda: "✓ Confirm" in _run_logs(out), "confirm click")
        data = _stopped(run, signal.SIGINT, group=True, where="just past the confirm click")
    finally:
        run.end()
    assert "already sent: the deletion of 40 recordings (all history, every device)" in run.err
    assert "it reads back from the site what was deleted" in run.err
    assert [s["label"] for s in data["interrupted"]["sent"]][-1] == "Confirm"
    assert data["summary"]["delete"]["sent"] == 40
    assert _journal(out).exists()
    invariants.check(mock, out)

    stopped = _run_folder(run)
    said = reportview.sentence(browser, stopped)
    assert (
        said.startswith("Interrupted by Ctrl-C (SIGINT) ")
        and (
            "already sent: the deletion of 40 recordings (all history, every device), listed "
            "before the click. Run voicewipe again for this account (any command): it reads back "
            "from the site what was deleted."
        )
        in said
    ), said
    assert reportview.ledger(invariants.archive_of(out)) == []  # sent, not yet read back

    # The next run, whatever it is, reads the range back and says so, once; the deletion
    # goes to the ledger as the stopped run's.
    done = vw("export", "--json")
    assert done.code == 0, done.result.err
    [earlier] = done.summary["interrupted_earlier"]
    assert (earlier["sent"], earlier["deleted"], earlier["remaining"]) == (40, 40, 0)
    assert "read back: 40 were deleted, 0 remain" in done.result.err
    assert not _journal(out).exists()  # reported once: nothing left to report again
    assert invariants.check(mock, out)["deleted"] == 40
    lines = reportview.ledger(invariants.archive_of(out))
    assert sorted(line["record_key"] for line in lines) == sorted(mock.keys()["deleted"])
    assert {line["run"] for line in lines} == {stopped.name}
    with reportview.opened(browser, done.run_folders[-1]) as page:
        expect(page.locator(".read-back")).to_contain_text("40 were deleted and 0 remain")


def test_sigterm_during_an_export_leaves_its_run_folder_whole(mock, vw, out, tmp_path):
    mock.reset(page_size=10, recordings=120, latency_ms=20)
    args = ["export", "--site", mock.url, "--out", str(out)]
    run = Voicewipe(args, state=tmp_path / "state", log=tmp_path / "export.log")
    try:
        _wait_for(run, lambda: _audio_files(out) >= 10, "audio files")
        data = _stopped(run, signal.SIGTERM, group=False, where="during the audio downloads")
    finally:
        run.end()
    assert "nothing had been deleted or changed" in run.err
    assert data["interrupted"]["sent"] == []
    invariants.check(mock, out)
    done = vw("export", "--json")  # resumes, and completes
    assert done.code == 0, done.result.err
    assert "interrupted_earlier" not in done.summary
    assert done.summary["export"]["verified"] is True
    assert invariants.check(mock, out)["exported"] == 120


SIGNAL_POINTS = 4 if FULL else 2


def _reported(summary: dict[str, Any]) -> int:
    """The voice recordings a run's summary says were deleted: by its own delete (read back),
    and by a stopped run before it (read back by this one)."""
    earlier = sum(
        part["deleted"]
        for part in summary.get("interrupted_earlier") or []
        if part["history"] == "voice"
    )
    delete = (summary.get("histories") or {}).get("voice", {}).get("delete") or {}
    return earlier + (delete["deleted"] if "matched" in delete else 0)


@pytest.mark.reliability  # scripts/test: a delete's Ctrl-C and an export's SIGTERM, above
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize("command", ["export", "delete", "wipe"])
def test_signalled_at_random_points_then_run_again(mock, vw, out, tmp_path, command, signum):
    """Ctrl-C (to the process group, as a terminal sends it) or SIGTERM (to the process) at
    random moments (seeded), then the same command again until it completes: each stop is
    quick and said in one line, the promises hold after every one, and every deletion is
    reported once, by the run that read it back."""
    mock.reset(page_size=10, recordings=150, latency_ms=20, deletion_delay_s=1)
    if command == "delete":
        assert vw("export").code == 0
    rng = random.Random(f"signals-{command}-{signum}")
    args = [command, "--site", mock.url, "--out", str(out), "--json"]
    args += {"export": [], "delete": ["--all", "--yes"], "wipe": ["--yes"]}[command]
    reported = 0
    for point in range(SIGNAL_POINTS):
        after = rng.uniform(2.0, 14.0)
        summary = tmp_path / f"summary-{point}.json"
        earlier = frozenset((out / "runs").glob("*/voicewipe.log"))
        run = Voicewipe(
            args, state=tmp_path / "state", log=tmp_path / f"signal-{point}.log", out=summary
        )
        try:
            if run.run_for(after):
                where = f"{command}, {after:.1f} s in"
                begun = f"run {command} -> " in _run_logs(out, earlier)  # its run folder
                code, took = run.interrupt(signum, group=signum == signal.SIGINT)
                if code in (0, -signum) and "done: " in _run_logs(out, earlier):
                    pass  # it had finished its work and was ending when the signal came
                elif begun:
                    _said_stopped(run, signum, code, took, where)
                else:
                    assert code == EXIT_CODES[signum] and took < 5, (code, took, run.err)
                    _one_line_error(run.err)
            else:
                assert run.proc.returncode == 0, run.err[-3000:]
        finally:
            run.end()
        if summary.stat().st_size:
            reported += _reported(json.loads(summary.read_text(encoding="utf-8")))
        invariants.check(mock, out)
    done = vw(*args[:1], *args[5:])  # vw adds --site and --out
    assert done.code == 0, done.result.err
    reported += _reported(done.summary)
    counts = invariants.check(mock, out)
    assert not _journal(out).exists()
    if command == "export":
        assert counts["exported"] == 150 and done.summary["export"]["verified"] is True
    else:
        assert counts["deleted"] == 150 and counts["present"] == 0
        assert reported == 150, f"deletions reported: {reported} of 150"
