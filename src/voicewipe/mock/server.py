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
from starlette.applications import Starlette

from voicewipe.mock.accounts import AccountRouter, index_of, site_configs, with_accounts
from voicewipe.mock.app import build_app
from voicewipe.mock.config import MockConfig
from voicewipe.mock.site import Site


class MockSite:
    """A running mock site. Use as a context manager, or start() and stop().

    state(), configure(), reset(), approve() and solve() act on the site directly (no HTTP),
    with the same effect and shapes as /__mock__/state, /configure, /reset, /approve and
    /solve. With `accounts=N`, `sites` holds one Site per account (`site` is the first) and
    those methods take `account=EMAIL` (default: the first account); reset resets them all.
    """

    def __init__(self, config: MockConfig | None = None, **options: Any) -> None:
        base = config or MockConfig()
        self.config = base.replace(**options) if options else base
        self.sites = [Site(c) for c in site_configs(self.config)]
        self.site = self.sites[0]
        self.router: AccountRouter | None = None
        self.app: Starlette | AccountRouter
        if self.config.accounts == 1:
            # One account: its app is served as it is, with nothing in front (mock/accounts.py).
            self.app = build_app(self.site)
        else:
            self.router = AccountRouter(self.sites, self.reset)
            self.app = self.router
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

    def account_site(self, email: str) -> Site:
        """The Site of the account with that e-mail; ValueError when there is none."""
        return self.sites[index_of(self.sites, email)]

    def _site(self, account: str | None) -> Site:
        return self.site if account is None else self.account_site(account)

    def state(self, account: str | None = None) -> dict[str, Any]:
        state = self._site(account).state()
        return state if self.router is None else with_accounts(state, self.sites)

    def configure(self, account: str | None = None, **changes: Any) -> dict[str, int]:
        done = self._site(account).configure(**changes)
        self._keep_config()
        return done

    def reset(self, config: MockConfig | None = None, **changes: Any) -> None:
        """Fresh data, sessions and counters in every account; with `config`, that
        configuration (keeping this server's host and port), plus `changes`."""
        if config is not None:
            config = config.replace(host=self.config.host, port=self.config.port)
        # The first account's own configuration as it is now (the control API may have
        # changed it), with the site's number of accounts, as a reset without config keeps.
        new = (config or self._current()).replace(**changes)
        if new.accounts > 1 and self.router is None:
            if self.port:  # its app is what uvicorn serves: nothing in front to route
                raise ValueError(
                    "accounts: a site started with one account keeps one; "
                    "start a MockSite with accounts=N for more"
                )
            self.router = AccountRouter(self.sites, self.reset)
            self.app = self.router
        configs = site_configs(new)
        kept = min(len(configs), len(self.sites))
        for site, fresh in zip(self.sites[:kept], configs[:kept], strict=True):
            site.reset(fresh)
        del self.sites[kept:]
        self.sites.extend(Site(fresh) for fresh in configs[kept:])
        if self.router is not None:
            self.router.sync()
        self._keep_config()

    def _current(self) -> MockConfig:
        # The first account's configuration, with the site's number of accounts (its own is 1).
        site_config = self.site.config
        if self.router is None:
            return site_config
        return site_config.replace(accounts=len(self.sites))

    def _keep_config(self) -> None:
        self.config = self._current()

    def arrive(
        self, count: int, late_s: float = 0, ago_s: float = 0, *, account: str | None = None
    ) -> list[str]:
        """`count` new voice recordings, said just now (or `late_s` seconds before the newest
        record, or `ago_s` seconds before now); their keys."""
        return self._site(account).arrive(count, late_s, ago_s)

    def keys(self, history: str = "voice", *, account: str | None = None) -> dict[str, list[str]]:
        """{"present": [...], "deleted": [...]}: one history's record keys."""
        return self._site(account).keys(history)

    def approve(self, account: str | None = None) -> int:
        site = self._site(account)
        with site.lock:
            return site.auth.approve()

    def solve(self, account: str | None = None) -> int:
        """Solve the pending puzzle CAPTCHAs, as a person would (/__mock__/solve)."""
        site = self._site(account)
        with site.lock:
            return site.auth.solve()
