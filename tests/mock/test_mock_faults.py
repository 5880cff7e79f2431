"""The mock's outages (fail_burst_s) and its calm when a client goes away mid-request."""

from __future__ import annotations

import logging
import socket
import struct
import time
from typing import Any
from urllib.parse import quote

import pytest

from voicewipe.mock import MockConfig

FOREVER = 10**13
AUDIO = "/alexa-privacy/apd/rvh/audio"


def _raw(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _until(condition: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_outages_answer_everything_503_for_their_seconds(mock: Any) -> None:
    client = mock.client()
    mock.site.configure(fail_burst_s=0.6, fail_burst_every_s=1.2)
    assert client.records(0, FOREVER).status == 200  # the first 0.6 s: no outage
    time.sleep(0.7)
    assert client.records(0, FOREVER).status == 503  # 0.7 s into the 1.2: in the outage
    assert client.request("GET", mock.RVH).status == 503
    time.sleep(0.6)
    assert client.records(0, FOREVER).status == 200  # the next period has begun
    assert mock.state()["requests"]["injected_failures"] == 2


def test_outage_options_are_checked() -> None:
    with pytest.raises(ValueError, match="fail_burst_s must be between 0 and 3600"):
        MockConfig(fail_burst_s=-1)
    with pytest.raises(ValueError, match=r"fail_burst_every_s must be between 0\.1 and 86400"):
        MockConfig(fail_burst_every_s=0)


def test_a_client_that_goes_away_mid_request_leaves_no_traceback(
    mock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="voicewipe.mock")
    # A form whose body never comes: the sign-in reads it and meets the disconnect.
    with _raw(mock.url) as raw:
        raw.sendall(
            b"POST /ap/signin HTTP/1.1\r\nHost: mock\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n"
            b"email=demo"
        )
        time.sleep(0.2)
    _until(lambda: mock.state()["requests"]["disconnects"] >= 1)
    # A large answer, the connection reset while it is sent (SO_LINGER 0: a RST, not a FIN).
    mock.site.reset(recordings=5, audio_bytes=3_000_000, no_audio_fraction=0.0, latency_ms=0)
    client = mock.client()
    uid = quote(next(r for r in mock.site.site.data.stores["voice"] if r.has_audio).uid, safe="")
    cookies = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    with _raw(mock.url) as raw:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        path = f"{AUDIO}?uid={uid}"
        raw.sendall(f"GET {path} HTTP/1.1\r\nHost: mock\r\nCookie: {cookies}\r\n\r\n".encode())
        raw.recv(100)
    time.sleep(0.5)
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not errors, [r.getMessage() for r in errors]
    assert not any(r.exc_info for r in caplog.records)
    assert client.records(0, FOREVER).status == 200  # and the site goes on serving


def test_outages_are_options_of_mock_site_and_of_mock() -> None:
    from voicewipe.cli import build_parser
    from voicewipe.cli import mock_site as cli
    from voicewipe.cli.alexa import mock_options

    argv = ["mock-site", "--option", "fail_burst_s=5", "--option", "fail_burst_every_s=20"]
    config = cli.config_of(build_parser().parse_args(argv))
    assert (config.fail_burst_s, config.fail_burst_every_s) == (5, 20)
    given = mock_options(["fail_burst_s=2.5"])  # what --mock-option hands the mock
    assert MockConfig(**given).fail_burst_s == 2.5
