"""Matching a replayed request to a recorded one (capture/match.py, capture/replay.py): the
times a replay cannot repeat are matched near, everything else exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voicewipe.capture.har import Capture, Exchange, Meta
from voicewipe.capture.match import TOLERANCE_MS, reduce
from voicewipe.capture.replay import Replay

pytestmark = pytest.mark.unit

FEED = "https://www.amazon.com/alexa-privacy/apd/rvh/customer-history-records-v2"
TIMES, IGNORE = ("startTime", "endTime"), ("csrf",)
NOW = 1_796_000_000_000  # when the capture listed "up to now"
LATER = 86_400_000  # the replay runs a day after the capture


def _listing(start: int, end: int, token: str | None = None, **extra: object) -> Exchange:
    body = json.dumps({"previousRequestToken": token, **extra})
    return Exchange(
        method="POST",
        url=f"{FEED}?startTime={start}&endTime={end}&pageType=VOICE_HISTORY",
        request_headers=(("content-type", "application/json"),),
        request_body=body,
        status=200,
        status_text="OK",
        response_headers=(("content-type", "application/json"),),
        body=json.dumps({"start": start, "end": end, "token": token}).encode(),
        source="api",
        resource="api",
        started="2026-11-30T12:00:00.000Z",
    )


def _replay(*exchanges: Exchange, shift_ms: int = LATER) -> Replay:
    meta = Meta("https://www.amazon.com", "amazon.com", "en-US", "a@example.invalid", "", "site")
    replay = Replay(Capture(meta, list(exchanges)), Path("c.har"), times=TIMES, ignore=IGNORE)
    replay.shift_ms = shift_ms
    return replay


def _asked(
    replay: Replay, start: int, end: int, token: str | None = None, **extra: object
) -> object:
    asked = _listing(start, end, token, **extra)
    found = replay.answer(asked.method, asked.url, asked.request_body)
    return None if found is None else json.loads(found.body)


def test_a_listing_up_to_now_answers_one_up_to_a_later_now() -> None:
    replay = _replay(_listing(0, NOW))
    assert _asked(replay, 0, NOW + LATER + 5_000) == {"start": 0, "end": NOW, "token": None}


def test_a_probe_and_a_look_for_late_arrivals_are_not_the_whole_listing() -> None:
    """delete's one-millisecond probe (1, 1) and its last look (now - 15 s, now) ask other
    questions than the listing of everything (0, now): each gets its own answer or none."""
    replay = _replay(_listing(0, NOW), _listing(1, 1))
    assert _asked(replay, 1, 1) == {"start": 1, "end": 1, "token": None}
    assert _asked(replay, NOW + LATER - 15_000, NOW + LATER) is None
    replay = _replay(_listing(0, NOW), _listing(NOW - 15_000, NOW + 2_000))
    assert _asked(replay, NOW + LATER - 15_000, NOW + LATER)["start"] == NOW - 15_000  # type: ignore[index]


def test_times_further_than_the_tolerance_do_not_match() -> None:
    replay = _replay(_listing(0, NOW))
    assert _asked(replay, 0, NOW + LATER + TOLERANCE_MS + 1) is None


def test_the_pagination_token_matters_and_ignored_fields_do_not() -> None:
    replay = _replay(_listing(0, NOW, csrf="old"), _listing(0, NOW, token="PAGE2", csrf="old"))
    assert _asked(replay, 0, NOW + LATER, token="PAGE2", csrf="new")["token"] == "PAGE2"  # type: ignore[index]
    assert _asked(replay, 0, NOW + LATER, token="PAGE3") is None
    assert _asked(replay, 0, NOW + LATER, deviceEntityIds=["D1"]) is None


def test_a_request_asked_again_is_answered_in_the_order_recorded_then_the_last() -> None:
    first, second = _listing(0, NOW), _listing(0, NOW + 1_000)
    second.body = b'{"second": true}'
    replay = _replay(first, second)
    answers = [_asked(replay, 0, NOW + LATER) for _ in range(3)]
    assert answers[0]["start"] == 0  # type: ignore[index]
    assert answers[1:] == [{"second": True}, {"second": True}]


def test_reduce_keeps_method_origin_and_path_apart() -> None:
    one = reduce("GET", "https://www.amazon.com/a?x=1", None, times=TIMES, ignore=IGNORE)
    assert (
        one.key
        != reduce("POST", "https://www.amazon.com/a?x=1", None, times=TIMES, ignore=IGNORE).key
    )
    assert (
        one.key
        != reduce("GET", "https://www.amazon.de/a?x=1", None, times=TIMES, ignore=IGNORE).key
    )
    assert (
        one.key
        != reduce("GET", "https://www.amazon.com/b?x=1", None, times=TIMES, ignore=IGNORE).key
    )
    assert (
        one.key
        == reduce(
            "GET", "https://WWW.amazon.com/a?x=1&csrf=z", None, times=TIMES, ignore=IGNORE
        ).key
    )
