"""Fixtures for the engine tests: the CLI in a thread, the test pages, and a small API server.

Everything runs for real: a headless Chromium, pages served by StaticSite from tests/engine/site
and an HTTP API (tests/engine's own, below) on free loopback ports. The API server logs every
request it receives, so that a test checks what reached the server, not what voicewipe says.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from enginedata import BLOB, PAGES

from clirun import Result, run_cli
from voicewipe.staticsite import StaticSite

HERE = Path(__file__).parent


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `voicewipe ARGS...` from tests/engine, so that messages name files as broken/x.yaml."""
    monkeypatch.chdir(HERE)
    return run_cli


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """The base address of tests/engine/site, served by voicewipe's StaticSite."""
    with StaticSite(HERE / "site") as served:
        yield served.url


# --- The API server -----------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class ApiState:
    log: list[Seen] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    peak: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, key: str) -> int:
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]


class _Handler(BaseHTTPRequestHandler):
    server: _ApiServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", kind: str = "application/json", **extra: str):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, value: Any, status: int = 200, **extra: str) -> None:
        self._send(status, json.dumps(value).encode(), **extra)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = Seen(
            self.command,
            parts.path,
            parse_qs(parts.query),
            {k.lower(): v for k, v in self.headers.items()},
            body,
            time.monotonic(),
        )
        with state.lock:
            state.log.append(seen)
        path = parts.path
        if path == "/api/echo":
            self._json({"method": self.command, "json": json.loads(body or b"null")})
        elif path == "/api/items":
            self._json({"items": [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}]})
        elif path == "/api/pages":
            token = json.loads(body or b"{}").get("token")
            items, following = PAGES[token]
            self._json({"data": {"records": items}, "next": following})
        elif path == "/api/throttled":
            if state.count(path) == 1:
                self._json({"error": "slow down"}, 429, Retry_After="0.3")
            else:
                self._json({"ok": True})
        elif path.startswith("/api/flaky/"):
            if state.count(path) < 3:
                self._json({"error": "try later"}, 500)
            else:
                self._json({"ok": True, "attempt": state.counters[path]})
        elif path.startswith(("/api/down/", "/api/hangup/", "/api/later/", "/api/busy/")):
            self._faulty(path, int(parse_qs(parts.query).get("fails", ["1"])[0]))
        elif path.startswith("/page/down/"):
            if state.count(path) <= int(parse_qs(parts.query).get("fails", ["1"])[0]):
                self._send(503, b"<title>Sorry</title><p>down</p>", "text/html")
            else:
                self._send(200, b"<title>Back</title><p>served</p>", "text/html")
        elif path == "/api/broken":
            self._json({"error": "boom"}, 500)
        elif path == "/api/slow":
            with state.lock:
                state.in_flight += 1
                state.peak = max(state.peak, state.in_flight)
            time.sleep(0.3)
            with state.lock:
                state.in_flight -= 1
            self._json({"id": int(parse_qs(parts.query)["id"][0])})
        elif path == "/files/blob.bin":
            self._send(200, BLOB, "application/octet-stream")
        elif path == "/files/blob.gz":
            self._send(200, gzip.compress(BLOB), "application/octet-stream")
        elif path.startswith("/beacon/"):
            self._send(204, kind="text/plain", Access_Control_Allow_Origin="*")
        elif path == "/elsewhere":
            self._send(200, b"<title>Elsewhere</title><p>another origin</p>", "text/html")
        else:
            self._json({"error": "not found"}, 404)

    def _faulty(self, path: str, fails: int) -> None:
        """The first `fails` answers are a fault of the path's kind, then {"ok": true}:
        down 503, hangup no answer at all, later 503 with Retry-After, busy a throttling
        body with 200."""
        attempt = self.server.state.count(path)
        if attempt > fails:
            self._json({"ok": True, "attempt": attempt})
        elif path.startswith("/api/down/"):
            self._json({"message": "Service Unavailable"}, 503)
        elif path.startswith("/api/hangup/"):
            self.close_connection = True  # the connection closes with nothing said
        elif path.startswith("/api/later/"):
            self._json({"message": "Service Unavailable"}, 503, Retry_After="0.2")
        else:
            self._json({"__type": "ThrottlingException", "message": "Rate exceeded"})


class _ApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = ApiState()


@dataclass
class Api:
    url: str
    server: _ApiServer

    @property
    def state(self) -> ApiState:
        return self.server.state

    def seen(self, path: str | None = None) -> list[Seen]:
        with self.state.lock:
            return [s for s in self.state.log if path is None or s.path == path]

    def reset(self) -> None:
        self.server.state = ApiState()


@pytest.fixture(scope="session")
def api_server() -> Iterator[Api]:
    server = _ApiServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Api(f"http://{host!s}:{port}", server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def api(api_server: Api) -> Api:
    """The API server, with its request log and counters emptied for this test."""
    api_server.reset()
    return api_server


# --- Reading a run folder -----------------------------------------------------------------


@dataclass
class Run:
    """A finished `voicewipe run`: its result, its run folder and the run.json in it."""

    result: Result
    out: Path
    requests: list[Seen] = field(default_factory=list)  # what the API server saw meanwhile

    @property
    def folder(self) -> Path:
        folders = sorted((self.out / "runs").iterdir())
        assert len(folders) == 1, folders
        return folders[0]

    @property
    def data(self) -> dict[str, Any]:
        return json.loads((self.folder / "run.json").read_text(encoding="utf-8"))

    @property
    def steps(self) -> list[dict[str, Any]]:
        return list(self.data["steps"])

    def step(self, label: str) -> dict[str, Any]:
        found = [s for s in self.steps if s["label"] == label]
        assert len(found) == 1, f"{len(found)} steps labelled {label!r}"
        return found[0]


def run_flow_cli(
    flow: str, out: Path, *args: str, stdin: io.StringIO | None = None, **variables: str
) -> Run:
    """`voicewipe run flows/<flow> --out OUT ARGS --var NAME=VALUE...` from tests/engine."""
    argv = ["run", str(HERE / "flows" / flow), "--out", str(out), *args]
    for name, value in variables.items():
        argv += ["--var", f"{name}={value}"]
    with contextlib.chdir(HERE):
        result = run_cli(*argv, stdin=stdin)
    return Run(result, out)


@pytest.fixture
def run_flow(tmp_path: Path) -> Callable[..., Run]:
    def run(flow: str, *args: str, stdin: io.StringIO | None = None, **variables: str) -> Run:
        return run_flow_cli(flow, tmp_path / "out", *args, stdin=stdin, **variables)

    return run


@pytest.fixture(scope="session")
def runs(site: str, api_server: Api, tmp_path_factory: pytest.TempPathFactory):
    """`runs(flow, *args, **vars)`: run a flow against the test site once per session.

    Several tests look at different results of the same run (its files, run.json, the API
    server's log); the run happens the first time one of them asks.
    """
    cache: dict[tuple[Any, ...], Run] = {}

    def get(flow: str, *args: str, **variables: str) -> Run:
        key = (flow, args, tuple(sorted(variables.items())))
        if key not in cache:
            api_server.reset()
            out = tmp_path_factory.mktemp(Path(flow).stem) / "out"
            run = run_flow_cli(flow, out, *args, base_url=site, **variables)
            run.requests = api_server.seen()
            cache[key] = run
        return cache[key]

    return get
