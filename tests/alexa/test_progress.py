"""The phases' counts, from the runner's events alone (step kinds and details, never labels),
and how often a plain line says how far a phase has got: no browser, no site."""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Iterator

import pytest
from loguru import logger

from voicewipe.alexa.progress import Audio, Deleting, Listing, SigningIn
from voicewipe.alexa.terminal import EVERY_S, LEAST_S, Terminal
from voicewipe.alexa.terminal import due as terminal_due
from voicewipe.logs import setup_terminal_logging
from voicewipe.runner.context import StepRecord

pytestmark = pytest.mark.unit


def _step(number: int, kind: str, outcome: str = "ok", **details: object) -> StepRecord:
    record = StepRecord(number, "any label", kind, "f.yaml", 1, None, time.monotonic())
    record.outcome, record.details = outcome, dict(details)
    return record


def test_windows_listed_side_by_side_add_up():
    phase = Listing("listing voice")
    phase.seen(_step(7, "request", "running", items=10))
    phase.seen(_step(9, "request", "running", items=4))
    phase.seen(_step(7, "request", items=12))  # the first window, finished
    phase.seen(_step(3, "click"))
    assert phase.done == 16
    assert phase.status() == "listing voice: 16 records"


def test_a_delete_lists_then_counts_what_its_read_back_no_longer_lists():
    phase = Deleting("deleting voice")
    phase.seen(_step(4, "request", items=30))
    assert (phase.done, phase.total) == (30, None)
    assert phase.status() == "deleting voice: listing what to delete, 30 so far"
    click = _step(5, "click")
    click.destructive = True
    phase.seen(click)
    phase.seen(_step(6, "request", "running", items=12))  # a read-back still listing
    assert (phase.done, phase.total) == (0, 30)
    phase.seen(_step(6, "request", items=8))
    assert phase.status() == "deleting voice: 22 of 30 gone (read back)"
    assert phase.share == pytest.approx(22 / 30)


def test_audio_counts_downloads_and_the_bytes_saved():
    phase = Audio("voice audio", total=4)
    phase.seen(_step(1, "download", size=1_500_000))
    phase.seen(_step(2, "download", missing=True))  # a recording without audio: done too
    phase.seen(_step(3, "download", "failed", size=9))
    assert (phase.done, phase.saved_bytes) == (2, 1_500_000)
    assert phase.status().startswith("voice audio: 2 of 4, 1.5 MB, ")
    assert "left" in phase.status()


def test_each_sign_in_page_answered_is_said_by_what_was_typed():
    phase = SigningIn()
    said = [
        phase.seen(_step(1, "fill")),
        phase.seen(_step(2, "fill", secret="password")),
        phase.seen(_step(3, "fill", secret="totp_secret code")),
        phase.seen(_step(4, "fill", secret="typed_code")),
        phase.seen(_step(5, "click")),
    ]
    assert said == [
        "signing in: e-mail address entered",
        "signing in: password entered",
        "signing in: one-time code entered",
        "signing in: one-time code entered",
        None,
    ]


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The plain terminal (stderr not a tty), for a command with phases."""
    text = io.StringIO()
    monkeypatch.setattr(sys, "stderr", text)
    setup_terminal_logging(verbose=False, steps=False)
    yield text
    logger.remove()


@pytest.mark.parametrize(
    ("since_s", "said", "reached", "due"),
    [
        (LEAST_S - 1, 0.0, 0.5, False),  # too soon after the last line, a quarter or not
        (LEAST_S + 1, 0.0, 0.2, False),  # no quarter reached yet, and not EVERY_S
        (LEAST_S + 1, 0.0, 0.25, True),  # a quarter
        (LEAST_S + 1, 0.5, 0.6, False),
        (EVERY_S, 0.5, 0.6, True),  # long enough without a line
        (EVERY_S, 0.0, None, True),  # no total: now and then all the same
        (EVERY_S, 0.9, 1.0, False),  # done: the command says so in its own line
    ],
)
def test_when_a_plain_line_is_due(since_s, said, reached, due):
    assert terminal_due(since_s, said, reached) is due


def test_off_a_terminal_a_long_phase_says_how_far_at_a_quarter(said):
    now = [1000.0]
    terminal = Terminal(clock=lambda: now[0])
    terminal.begin(Audio("voice audio", total=100))
    for number in range(1, 21):  # quickly: nothing said
        terminal.seen(_step(number, "download", size=10))
    now[0] += LEAST_S + 1
    for number in range(21, 60):  # 25 % reached: said once, then not again so soon
        terminal.seen(_step(number, "download", size=10))
    lines = said.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("voice audio: 25 of 100, 0.0 MB, ")


def test_a_flows_log_step_is_said_in_its_phases_words_and_steps_only_with_v(said):
    terminal = Terminal()
    terminal.begin(Deleting("deleting voice"))
    logger.bind(detail=True).info("12 ✓ extract csrf")  # a step line (runner.py)
    terminal.seen(_step(9, "log", text="3 recordings match the filters"))
    logger.warning("the site is failing: 3 requests retried")
    assert said.getvalue().splitlines() == [
        "deleting voice: 3 recordings match the filters",
        "the site is failing: 3 requests retried",
    ]
