"""A person at the screen: a headed run on a virtual X display (Xvfb), its terminal a
pseudo-terminal, and the person's part played through the X server (xdotool types into the
browser window and presses keys), never through Playwright. The run must pause, say what it
waits for, let the person act, and go on when they press Enter, without a restart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import Terminal

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xdotool")),
    reason="Xvfb and xdotool are needed for the headed tests (scripts/setup --test installs them)",
)


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A virtual X display of our own, gone when the module's tests are done. Each xdist
    worker that runs these tests starts its own: -displayfd has Xvfb take the first display
    number no other X server holds (its lock file is made atomically), so two started at once
    never share one, and each worker's xdotool and browser see only their own windows."""
    read, write = os.pipe()
    # -displayfd: Xvfb picks a free display number and writes it when it is ready.
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as ready:
        number = ready.readline().strip()
    assert number, "Xvfb did not start"
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def terminal(display: str, tmp_path: Path) -> Iterator[object]:
    env = {
        **os.environ,
        "DISPLAY": display,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "COLUMNS": "160",
    }
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        started.append(Terminal([sys.executable, "-m", "voicewipe", *args], env))
        return started[-1]

    yield start
    for each in started:
        each.close()


def _xdotool(display: str, *args: str) -> None:
    subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, check=True)


def _focus_browser(display: str) -> None:
    found = subprocess.run(
        ["xdotool", "search", "--sync", "--onlyvisible", "--class", "chromium"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    _xdotool(display, "windowfocus", "--sync", found.stdout.split()[-1])


def _steps(out: Path) -> list[dict[str, object]]:
    run = sorted((out / "runs").iterdir())[-1]
    return list(json.loads((run / "run.json").read_text(encoding="utf-8"))["steps"])


def test_a_captcha_is_handed_to_the_person_and_the_run_goes_on(mock, terminal, display, out):
    mock.reset(recordings=10, captcha="once")
    term = terminal("login", "--headed", "--site", mock.url, "--out", str(out))
    term.wait_for("Press Enter here when done")
    assert "Amazon shows a CAPTCHA" in term.seen

    # The person reads the characters (the mock tells the test) and types them in the box the
    # run put the cursor in, then submits with Return.
    answers = mock.state()["signin"]["captcha_answers"]
    assert len(answers) == 1
    _focus_browser(display)
    _xdotool(display, "type", "--delay", "30", answers[0])
    _xdotool(display, "key", "Return")
    deadline = time.monotonic() + 30
    while mock.state()["signin"]["captcha_solved"] < 1:
        assert time.monotonic() < deadline, "the CAPTCHA typed in the window never arrived"
        time.sleep(0.2)
    term.press_enter()

    code = term.finish()
    assert code == 0, term.seen[-3000:]
    assert mock.state()["signin"]["captcha_failed"] == 0
    assert any(s["kind"] == "pause" and s["outcome"] == "ok" for s in _steps(out))


def _delete_on_the_redesigned_pages(mock, terminal, out) -> Terminal:
    """A headed `delete --all` on the mock's redesigned pages, paused at its first failure."""
    mock.reset(recordings=12, drift=True)
    term = terminal(
        "delete", "--all", "--no-export", "--yes", "--headed", "--timeout", "3",
        "--site", mock.url, "--out", str(out),
    )  # fmt: skip
    term.wait_for("then press Enter to try step")
    return term


def test_an_unexpected_page_pauses_and_the_step_is_tried_again(mock, terminal, display, out):
    # The site shows its redesigned pages: the delete flow cannot find the filter bar. The
    # person waits for the old pages to come back (the test switches the variant off), reloads
    # the window with F5 and presses Enter; the step that failed runs again and the run ends
    # as if nothing had happened, in the same process.
    term = _delete_on_the_redesigned_pages(mock, terminal, out)
    assert "Open the filters" in term.seen
    assert "selector:" in term.seen  # what it looked for, so the person knows what is wrong
    assert mock.state()["recordings"] == 12  # it stopped before anything destructive

    mock.configure(drift=False)
    _focus_browser(display)
    _xdotool(display, "key", "F5")
    time.sleep(2)  # the reload
    term.press_enter()

    code = term.finish()
    assert code == 0, term.seen[-3000:]
    assert mock.state()["recordings"] == 0
    steps = _steps(out)
    retried = [s for s in steps if s["outcome"] == "retried"]
    assert [s["label"] for s in retried] == ["Open the filters"]
    again = [s for s in steps if s["label"] == "Open the filters" and s["outcome"] == "ok"]
    assert again and again[0]["number"] > retried[0]["number"]


def test_the_person_can_stop_at_the_pause(mock, terminal, display, out):
    term = _delete_on_the_redesigned_pages(mock, terminal, out)
    term.press_enter("q")
    code = term.finish()
    assert code == 1, term.seen[-3000:]
    assert mock.state()["recordings"] == 12
    assert "Traceback" not in term.seen


def test_a_puzzle_captcha_is_handed_to_the_person_and_the_run_goes_on(mock, terminal, out):
    """The AWS WAF puzzle: only a person can solve it. The headed run hands it over, and goes
    on when they have (the test solves it through the mock's /__mock__/solve, standing in for
    the person at the window) and press Enter."""
    import urllib.request

    mock.reset(recordings=10, captcha="puzzle")
    term = terminal("login", "--headed", "--site", mock.url, "--out", str(out))
    term.wait_for("Press Enter here when done")
    assert "puzzle CAPTCHA" in term.seen
    assert mock.state()["signin"]["pending_puzzles"] == 1

    solve = urllib.request.Request(f"{mock.url}/__mock__/solve", data=b"{}", method="POST")
    with urllib.request.urlopen(solve, timeout=10) as answer:
        assert json.loads(answer.read()) == {"ok": True, "solved": 1}
    deadline = time.monotonic() + 30
    while mock.state()["signin"]["successes"] < 1:  # the page moves on by itself
        assert time.monotonic() < deadline, "the solved puzzle's page never moved on"
        time.sleep(0.2)
    term.press_enter()

    code = term.finish()
    assert code == 0, term.seen[-3000:]
    assert mock.state()["signin"]["puzzles_solved"] == 1
    steps = _steps(out)
    handed = [s for s in steps if s["label"] == "Hand the puzzle to the person"]
    assert [s["outcome"] for s in handed] == ["ok"]


def test_a_sign_in_page_nobody_knows_is_handed_to_the_person(
    mock, terminal, display, out, impatient_signin
):
    """A page the sign-in flow does not know is not guessed at: the headed run asks the
    person, who answers it in the window (Return on its focused Continue button) and presses
    Enter; the run goes on."""
    mock.reset(recordings=10, signin="unknown")
    flows = ("--flows", str(impatient_signin))
    term = terminal("login", "--headed", "--site", mock.url, "--out", str(out), *flows)
    term.wait_for("Press Enter here when done")
    assert "a sign-in page this flow does not know" in term.seen
    assert mock.state()["signin"]["unknown_pages"] == 1
    assert mock.state()["sessions"]["active"] == 0

    _focus_browser(display)
    _xdotool(display, "key", "Return")
    deadline = time.monotonic() + 30
    while mock.state()["signin"]["successes"] < 1:
        assert time.monotonic() < deadline, "the person's Continue never arrived"
        time.sleep(0.2)
    term.press_enter()

    code = term.finish()
    assert code == 0, term.seen[-3000:]
    handed = [s for s in _steps(out) if s["label"] == "A sign-in page this flow does not know"]
    assert [s["outcome"] for s in handed] == ["ok"]


def test_the_passkey_dead_end_is_handed_to_the_person(mock, terminal, display, out):
    """The passkey page with no way on: handed to the person; once they are past it (here the
    site lets them on when the nudge is switched off and the page reloaded), Enter goes on."""
    mock.reset(recordings=10, passkey_nudge="dead_end")
    term = terminal("login", "--headed", "--site", mock.url, "--out", str(out))
    term.wait_for("Press Enter here when done")
    assert "Amazon asks for a passkey this browser does not have" in term.seen

    mock.configure(passkey_nudge=False)
    _focus_browser(display)
    _xdotool(display, "key", "F5")
    deadline = time.monotonic() + 30
    while mock.state()["signin"]["successes"] < 1:
        assert time.monotonic() < deadline, "the reload never got past the passkey page"
        time.sleep(0.2)
    term.press_enter()

    code = term.finish()
    assert code == 0, term.seen[-3000:]
    handed = [s for s in _steps(out) if s["label"] == "Hand the passkey page to the person"]
    assert [s["outcome"] for s in handed] == ["ok"]
