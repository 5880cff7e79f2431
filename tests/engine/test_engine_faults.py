"""Server errors and throttling told apart (steps/_faults.py), against the real API server in
a real headless Chromium: a server error (5xx, no answer) is asked again after a backoff with
jitter and leaves the pace alone; throttling (429, a 5xx with Retry-After, a throttling body)
pauses the origin and cuts its rate; a site that keeps failing stops the run with one line."""

from __future__ import annotations

import asyncio
import json
import random
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from voicewipe.flow.steps.request import RequestArgs, ServerErrors, Throttle
from voicewipe.runner.context import RunOptions
from voicewipe.runner.pace import Pacers
from voicewipe.runner.session import open_session
from voicewipe.steps._faults import JITTER_HIGH, JITTER_LOW, backoff, classify
from voicewipe.steps._fetch import fetch, release

THROTTLE = Throttle(body_contains=("ThrottlingException",))
SERVER = ServerErrors()


@pytest.mark.parametrize(
    ("status", "retry_after", "body", "verdict"),
    [
        (429, "", None, "throttled"),
        (429, "3", None, "throttled"),
        (503, "", None, "server"),
        (500, "", None, "server"),
        (504, "", None, "server"),
        (503, "2", None, "throttled"),  # the site said when to come back
        (501, "", None, "answer"),  # not one of the statuses that mean "failed, try again"
        (200, "", '{"__type": "ThrottlingException"}', "throttled"),
        (503, "", '{"__type": "ThrottlingException"}', "throttled"),
        (200, "", '{"ok": true}', "answer"),
        (404, "", None, "answer"),
    ],
)
def test_each_answer_is_told_apart(status, retry_after, body, verdict):
    assert classify(status, retry_after, body, THROTTLE, SERVER) == verdict


def test_the_backoff_doubles_within_its_jitter_and_its_ceiling():
    rng = random.Random(17)
    server = ServerErrors(wait=0.5, max_wait=30)
    for failures in range(1, 12):
        nominal = min(0.5 * 2 ** (failures - 1), 30)
        draws = [backoff(server, failures, rng) for _ in range(500)]
        assert min(draws) >= nominal * JITTER_LOW
        assert max(draws) <= min(nominal * JITTER_HIGH, 30)
        assert max(draws) - min(draws) > nominal * 0.4  # it is spread, not a constant


def _context(page, pacers):
    """What fetch() asks of a step's context: the run's pacers, the page's browser context,
    the run's options (where its requests go: to the site)."""
    return SimpleNamespace(
        pacer=pacers.for_url,
        browser_context=page.context,
        options=RunOptions(),
        timeout=10.0,
        record=SimpleNamespace(details={}),
    )


async def _rates(api_url: str) -> dict[str, tuple[float, float, int]]:
    """The pacer's rate before and after each kind of fault, and the cuts it made."""
    out = {}
    async with open_session(RunOptions(tracing="off")) as session:
        for name, path in (("server", "/api/down/r?fails=3"), ("throttled", "/api/throttled")):
            pacers = Pacers()
            ctx = _context(session.page, pacers)
            pacer = pacers.for_url(api_url)
            pacer.slow_start = False  # a steady pace, so that only a cut changes it
            before = pacer.rate
            args = RequestArgs(url=api_url + path, server_errors=ServerErrors(wait=0.05))
            answer = await fetch(ctx, args, args.url, None, None, None, None)
            assert answer.status == 200
            await release(answer)
            out[name] = (before, pacer.rate, pacer.cuts)
            out[name + "_trouble"] = pacers.trouble.summary()
    return out


def test_server_errors_do_not_lower_the_rate_and_throttling_does(api):
    # In a thread of its own: another test's sync Playwright may hold this thread's loop.
    with ThreadPoolExecutor(1) as pool:
        found = pool.submit(lambda: asyncio.run(_rates(api.url))).result()
    before, after, cuts = found["server"]
    assert cuts == 0 and after >= before  # three 503s, asked again at the same pace
    assert found["server_trouble"]["server_errors"] == 3
    assert found["server_trouble"]["throttled"] == 0
    assert found["server_trouble"]["time_lost_s"] >= 0.05 * JITTER_LOW * (1 + 2 + 4) - 0.01
    before, after, cuts = found["throttled"]
    assert cuts == 1 and after < before  # one 429: the rate cut by a fifth
    assert found["throttled_trouble"]["throttled"] == 1
    assert len(api.seen("/api/down/r")) == 4


def test_faults_are_asked_again_and_counted(run_flow, api, site):
    run = run_flow("faults.yaml", base_url=site, api=api.url)
    assert run.result.code == 0, run.result.err
    saved = json.loads((run.out / "faults.json").read_text("utf-8"))
    assert saved == {
        "down": {"ok": True, "attempt": 4},
        "hangup": {"ok": True, "attempt": 3},
        "later": {"ok": True, "attempt": 2},
        "busy": {"ok": True, "attempt": 2},
    }
    assert run.step("A page the site fails twice")["server_errors"] == 2
    assert run.step("Three 503s")["server_errors"] == 3
    assert run.step("Two dropped connections")["server_errors"] == 2
    assert run.step("A 503 with Retry-After")["throttled"] == 1
    assert run.step("A throttling body")["throttled"] == 1
    retries = run.data["summary"]["retries"]
    assert (retries["server_errors"], retries["throttled"]) == (7, 2)
    assert retries["time_lost_s"] > 0.2  # at least the Retry-After the site asked for


def test_a_site_that_keeps_failing_stops_the_run_in_one_line(run_flow, api, site):
    run = run_flow("faults_stop.yaml", base_url=site, api=api.url)
    assert run.result.code == 1
    err = run.result.err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("voicewipe:")]
    assert len(lines) == 1, err
    assert (
        f"GET {api.url}/api/down/z?fails=1000 failed 3 times in a row (answered 503 Service "
        "Unavailable; 0 s of retries): the site is failing; nothing more was done, run the "
        "same command again later"
    ) in lines[0]
    assert "faults_stop.yaml:" in lines[0]  # located: the flow file and the step's line
    assert len(api.seen("/api/down/z")) == 3
    assert not (run.out / "never.txt").exists()
    assert run.data["summary"]["retries"]["server_errors"] == 2  # the third was not retried


def test_the_line_comes_at_most_every_12_s_and_says_what_happened(monkeypatch):
    from loguru import logger

    from voicewipe.runner import trouble as module

    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    said: list[str] = []
    sink = logger.add(lambda message: said.append(message.record["message"]), level="WARNING")
    try:
        counted = module.Trouble()
        for _ in range(30):  # a server error a second for 30 s
            counted.retried("server", 18.0)
            clock[0] += 1
        quiet = module.Trouble()
        for _ in range(module.THROTTLED_TO_TELL - 1):  # the pacer finding the site's rate
            quiet.retried("throttled", 40.0)
    finally:
        logger.remove(sink)
    assert said == [
        "the site is failing: 1 request answered 5xx or not at all and was retried in the last "
        "30 s (rate now 18/s, 0 s lost so far)",
        "the site is failing: 13 requests answered 5xx or not at all and were retried in the "
        "last 30 s (rate now 18/s, 0 s lost so far)",
        "the site is failing: 25 requests answered 5xx or not at all and were retried in the "
        "last 30 s (rate now 18/s, 0 s lost so far)",
    ]
    assert counted.summary() == {"server_errors": 30, "throttled": 0, "time_lost_s": 0.0}
    assert quiet.summary()["throttled"] == module.THROTTLED_TO_TELL - 1


def test_time_lost_is_the_wall_time_some_request_waited(monkeypatch):
    from voicewipe.runner import trouble as module

    clock = [0.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    counted = module.Trouble()
    with counted.waiting():  # two requests waiting at once count their overlap once
        clock[0] += 2
        with counted.waiting():
            clock[0] += 3
        clock[0] += 1
    clock[0] += 10  # nobody waiting: nothing lost
    with counted.waiting():
        clock[0] += 0.5
    assert counted.lost_s() == 6.5


def test_a_site_that_never_answers_stops_the_run_in_one_line(run_flow, api, site):
    run = run_flow("faults_gone.yaml", base_url=site, api=api.url)
    assert run.result.code == 1
    lines = [line for line in run.result.err.splitlines() if line.startswith("voicewipe:")]
    assert len(lines) == 1, run.result.err
    said = lines[0].split(f"GET {api.url}/api/hangup/z?fails=1000 failed 2 times in a row (")[1]
    assert "failed" not in said.split(";")[0]  # the cause, the request not named again
    assert "socket hang up" in said
    assert "): the site is failing; nothing more was done, run the same command again" in said
    assert len(api.seen("/api/hangup/z")) == 2
