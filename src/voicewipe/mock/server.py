"""MockSite: the mock served by uvicorn in a background thread on a loopback port.

We bind the socket ourselves (port 0 gives a free one, known before the server starts) and
hand it to uvicorn, so there is no race for the port and no polling for it; start() returns
as soon as uvicorn says it is serving, typically in tens of milliseconds.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from voicewipe.mock.app import build_app
from voicewipe.mock.config import MockConfig
from voicewipe.mock.site import Site


class MockSite:
    """A running mock site. Use as a context manager, or start() and stop().

    state(), configure(), reset(), approve() and solve() act on the site directly (no HTTP),
    with the same effect and shapes as /__mock__/state, /configure, /reset, /approve and
    /solve.
    """

    def __init__(self, config: MockConfig | None = None, **options: Any) -> None:
        base = config or MockConfig()
        self.config = base.replace(**options) if options else base
        self.site = Site(self.config)
        self.app = build_app(self.site)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash: http://127.0.0.1:PORT."""
        if not self.port:
            raise RuntimeError("the mock site is not running")
        return f"http://{self.config.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> MockSite:
        if self._thread is not None:
            return self
        # IPPROTO_TCP, not the default 0: asyncio switches Nagle's algorithm off only on sockets
        # that say they are TCP, and accepted sockets inherit it. Without that, a response sent
        # as two writes (headers, then body) waits for the client's delayed ACK: ~40 ms on every
        # request, which no real site adds and which would swamp a latency benchmark.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.config.host, self.config.port))
        sock.listen(128)
        self._socket = sock
        self.port = sock.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                log_level="warning",
                access_log=False,
                lifespan="off",
                loop="asyncio",
                http="h11",
                ws="none",
                timeout_graceful_shutdown=1,
            )
        )
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="voicewipe-mock-site", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the mock site did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None
        self.port = 0

    def serve_forever(self) -> None:
        """Block until Ctrl-C (KeyboardInterrupt), then stop."""
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    def __enter__(self) -> MockSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- control, without HTTP ------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return self.site.state()

    def configure(self, **changes: Any) -> dict[str, int]:
        done = self.site.configure(**changes)
        self.config = self.site.config
        return done

    def reset(self, config: MockConfig | None = None, **changes: Any) -> None:
        """Fresh data, sessions and counters; with `config`, that configuration (keeping this
        server's host and port), plus `changes`."""
        if config is not None:
            config = config.replace(host=self.config.host, port=self.config.port)
        self.site.reset(config, **changes)
        self.config = self.site.config

    def arrive(self, count: int, late_s: float = 0, ago_s: float = 0) -> list[str]:
        """`count` new voice recordings, said just now (or `late_s` seconds before the newest
        record, or `ago_s` seconds before now); their keys."""
        return self.site.arrive(count, late_s, ago_s)

    def keys(self, history: str = "voice") -> dict[str, list[str]]:
        """{"present": [...], "deleted": [...]}: one history's record keys."""
        return self.site.keys(history)

    def approve(self) -> int:
        with self.site.lock:
            return self.site.auth.approve()

    def solve(self) -> int:
        """Solve the pending puzzle CAPTCHAs, as a person would (/__mock__/solve)."""
        with self.site.lock:
            return self.site.auth.solve()
