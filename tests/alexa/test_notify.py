"""`--notify URL`: a message when a command starts and when it ends, to a local HTTP server
standing in for Healthchecks (http ping URLs) and for a JSON webhook (Apprise's json://)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from clirun import run_cli
from voicewipe import notify
from voicewipe.errors import ExitCode, PersonNeeded, UsageError
from voicewipe.mock import DEMO_PASSWORD, DEMO_TOTP_SECRET


@dataclass(frozen=True)
class Heard:
    path: str
    body: str


class Listener:
    """An HTTP server on 127.0.0.1 that records every POST it is sent."""

    def __init__(self) -> None:
        heard: list[Heard] = []
        self.heard = heard

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                heard.append(Heard(self.path, self.rfile.read(size).decode()))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"127.0.0.1:{self.server.server_address[1]}"

    def paths(self) -> list[str]:
        return [h.path.partition("?")[0] for h in self.heard]

    def json_bodies(self) -> list[dict[str, Any]]:
        return [json.loads(h.body) for h in self.heard if h.path == "/hook"]


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


def _no_secret_in(listener: Listener) -> None:
    for heard in listener.heard:
        assert DEMO_PASSWORD not in heard.body
        assert DEMO_TOTP_SECRET not in heard.body


@pytest.mark.e2e
def test_a_wipe_pings_its_start_and_success_and_a_dead_url_changes_nothing(mock, vw, listener):
    mock.reset(recordings=6)
    done = vw(
        "wipe", "--yes",
        "--notify", f"http://{listener.url}/ping/f00d",
        "--notify", f"json://{listener.url}/hook",
        "--notify", "http://127.0.0.1:9/unreachable",  # nothing listens on the discard port
    )  # fmt: skip
    assert done.code == 0, done.result.err
    assert mock.state()["histories"]["voice"]["total"] == 0
    assert listener.paths() == ["/ping/f00d/start", "/hook", "/ping/f00d", "/hook"]
    starts, ends = listener.heard[0], listener.heard[2]
    # The start and the end carry the same run id, so the service pairs them (and times it).
    assert starts.path.partition("rid=")[2] == ends.path.partition("rid=")[2] != ""
    assert "voicewipe wipe done" in ends.body
    assert "Deleted: 6 of 6 recordings" in ends.body  # the summary, as the terminal shows it
    kinds = [body["type"] for body in listener.json_bodies()]
    assert kinds == ["info", "success"]
    _no_secret_in(listener)
    # The dead URL: one line for each message it missed, the port but no path shown.
    missed = [line for line in done.result.err.splitlines() if "could not notify" in line]
    assert len(missed) == 2 and all("http://127.0.0.1 " in line for line in missed)
    assert "unreachable" not in done.result.err


@pytest.mark.e2e
def test_a_headless_captcha_fails_with_what_to_run(mock, vw, listener):
    mock.reset(recordings=6, captcha="always")
    done = vw("wipe", "--yes", "--notify", f"http://{listener.url}/ping/f00d")
    assert done.code == ExitCode.PERSON_NEEDED, done.result.err
    assert listener.paths() == ["/ping/f00d/start", "/ping/f00d/fail"]
    failure = listener.heard[1].body
    assert "FAILED" in failure and "(exit 3)" in failure
    assert "voicewipe login --headed" in failure
    assert mock.state()["histories"]["voice"]["total"] == 6
    _no_secret_in(listener)


@pytest.mark.unit
def test_an_unknown_kind_of_url_is_refused_in_one_line():
    result = run_cli("doctor", "--notify", "bogus://example.org/secret-token")
    assert result.code == ExitCode.INVALID
    assert result.err.count("\n") == 1 and "not a URL Apprise knows" in result.err
    assert "secret-token" not in result.err


@pytest.mark.unit
def test_what_a_message_shows_of_a_url_and_of_a_failure():
    assert notify.where("https://hc-ping.com/0f0e-secret-uuid") == "https://hc-ping.com"
    assert notify.where("ntfy://user:pass@ntfy.example/topic") == "ntfy://ntfy.example"
    stuck = PersonNeeded("the sign-in shows a CAPTCHA")
    message = notify.compose("failure", "wipe", "a@b.example", error=stuck)
    assert message.body.splitlines() == [
        "the sign-in shows a CAPTCHA",
        "What to do: sign in at a screen: voicewipe login --headed --account a@b.example",
    ]
    wrong = notify.compose("failure", "export", None, error=UsageError("--since: bad date"))
    assert "(exit 2)" in wrong.title and "correct the command" in wrong.body


@pytest.mark.unit
def test_the_on_failure_unit_speaks_only_when_voicewipe_could_not(listener, monkeypatch):
    ping = f"http://{listener.url}/ping/f00d"
    # voicewipe ended the run with its own exit code: it has said why; nothing more is sent.
    monkeypatch.setenv("MONITOR_SERVICE_RESULT", "exit-code")
    quiet = run_cli("notify", "--unit-failed", "voicewipe-wipe.service", ping)
    assert quiet.code == 0 and listener.heard == []
    # Killed (say, out of memory): only the unit's end can tell.
    monkeypatch.setenv("MONITOR_SERVICE_RESULT", "oom-kill")
    monkeypatch.setenv("MONITOR_EXIT_CODE", "killed")
    monkeypatch.setenv("MONITOR_EXIT_STATUS", "KILL")
    told = run_cli("notify", "--unit-failed", "voicewipe-wipe.service", ping)
    assert told.code == 0, told.err
    assert listener.paths() == ["/ping/f00d/fail"]
    assert "ended by oom-kill (killed KILL)" in listener.heard[0].body
    assert "journalctl --user -u voicewipe-wipe.service" in listener.heard[0].body


@pytest.mark.unit
def test_a_test_message_reaches_the_url_or_says_why_not(listener):
    sent = run_cli("notify", f"json://{listener.url}/hook")
    assert sent.code == 0 and sent.out.strip() == "sent to json://127.0.0.1"
    assert listener.json_bodies()[0]["message"].startswith("a test message")
    unsent = run_cli("notify", "http://127.0.0.1:9/x")
    assert unsent.code == ExitCode.STEP_FAILED
    assert unsent.err.startswith("voicewipe: could not notify http://127.0.0.1 of the success")
