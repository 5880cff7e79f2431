"""The pieces of a stopped run that need no browser: the journal of deletions sent, the one
line a stopped run says, and the exit code of each signal."""

from __future__ import annotations

import signal
import stat

import pytest

from voicewipe.alexa import journal
from voicewipe.runner.stopped import stop_message
from voicewipe.signals import Stop

pytestmark = pytest.mark.unit


def test_the_journal_keeps_an_entry_until_it_is_read_back(tmp_path):
    assert journal.pending(tmp_path) == []
    journal.record(tmp_path, {"id": "a", "checked": ["k1", "k2"]})
    journal.record(tmp_path, {"id": "b", "checked": ["k3"]})
    journal.record(tmp_path, {"id": "a", "checked": ["k1", "k2", "k4"]})  # replaced, not doubled
    assert [e["id"] for e in journal.pending(tmp_path)] == ["b", "a"]
    assert journal.pending(tmp_path)[1]["checked"] == ["k1", "k2", "k4"]
    assert stat.S_IMODE((tmp_path / journal.FILE).stat().st_mode) == 0o600
    journal.remove(tmp_path, {"a", "b"})
    assert not (tmp_path / journal.FILE).exists()


def test_a_damaged_journal_counts_as_none(tmp_path):
    (tmp_path / journal.FILE).write_text('{"id": ', encoding="utf-8")
    assert journal.pending(tmp_path) == []
    journal.record(tmp_path, {"id": "a"})
    assert [e["id"] for e in journal.pending(tmp_path)] == ["a"]


@pytest.mark.parametrize(
    ("signum", "words", "code"),
    [
        (signal.SIGINT, "Ctrl-C (SIGINT)", 130),
        (signal.SIGTERM, "SIGTERM", 143),
        (signal.SIGHUP, "SIGHUP", 129),
    ],
)
def test_each_signal_has_its_exit_code(signum, words, code):
    stop = Stop()
    stop.request(signum)
    stop.request(signal.SIGINT)  # the first one is the one reported
    assert (stop.name, int(stop.exit_code)) == (words, code)


def test_the_line_a_stopped_run_says():
    where = {"signal": "SIGTERM", "step": 70, "label": "Confirm", "flow": "delete"}
    where |= {"running": True, "sent": [{"step": 70, "label": "Confirm", "flow": "delete"}]}
    assert stop_message(where, ["the deletion of 3 recordings (all history)"], "Run it again") == (
        "interrupted by SIGTERM in step 70 'Confirm' of delete; already sent: the deletion of 3 "
        "recordings (all history). Run it again"
    )
    where |= {"running": False, "sent": []}
    assert stop_message(where, [], "Run it again") == (
        "interrupted by SIGTERM after step 70 'Confirm' of delete; nothing had been deleted or "
        "changed. Run it again"
    )
    where |= {"step": None}
    assert stop_message(where, [], "Run it again") == (
        "interrupted by SIGTERM before its first step; nothing had been deleted or changed. "
        "Run it again"
    )
