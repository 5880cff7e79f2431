"""One mock site for the whole session, reset to the same small configuration before each
test (fresh data, no sessions, zero counters), so tests cannot leak into each other."""

from __future__ import annotations

import gzip
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page

from voicewipe.mock import DEMO_EMAIL, DEMO_PASSWORD, MockConfig, MockSite

RECORDS = "/alexa-privacy/apd/rvh/customer-history-records-v2"
RVH = "/alexa-privacy/apd/rvh"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


class Client:
    """urllib with a cookie jar; never raises for an HTTP status."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        json_body: Any = None,
    ) -> Answer:
        hdrs = dict(headers or {})
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            hdrs["content-type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs["content-type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=30) as r:
                return Answer(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
        except urllib.error.HTTPError as e:
            return Answer(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())

    def sign_in(self) -> None:
        """Sign in through the forms (no second step) and read the CSRF token from rvh."""
        page = self.request("POST", "/ap/signin", form={"email": DEMO_EMAIL})
        token = re.search(r'name="appActionToken" value="([^"]+)"', page.text)
        assert token, page.text
        self.request(
            "POST",
            "/ap/signin",
            form={"appActionToken": token.group(1), "password": DEMO_PASSWORD},
        )
        rvh = self.request("GET", RVH)
        meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', rvh.text)
        assert meta, "not signed in"
        self.csrf = meta.group(1)

    def records(
        self,
        start: int,
        end: int,
        token: str | None = None,
        page_type: str = "VOICE_HISTORY",
        **extra: Any,
    ) -> Answer:
        return self.request(
            "POST",
            f"{RECORDS}?startTime={start}&endTime={end}&pageType={page_type}",
            json_body={"previousRequestToken": token, **extra},
            headers={"anti-csrftoken-a2z": self.csrf, "referer": self.base + RVH},
        )

    def api(self, method: str, path: str, json_body: Any = None) -> Answer:
        return self.request(
            method,
            path,
            json_body=json_body,
            headers={"anti-csrftoken-a2z": self.csrf, "referer": self.base + RVH},
        )


def control(base: str, path: str, body: Any = None) -> Answer:
    client = Client(base)
    if body is None:
        return client.request("GET", f"/__mock__/{path}")
    return client.request("POST", f"/__mock__/{path}", json_body=body)


def sign_in(page: Page, base: str, *, target: str = RVH, remember: bool = False) -> None:
    """Sign in through the pages, without a second step, landing on `target`."""
    page.goto(base + target)
    page.fill("#ap_email", DEMO_EMAIL)
    page.click("#continue")
    page.fill("#ap_password", DEMO_PASSWORD)
    if remember:
        page.check("input[name=rememberMe]")
    page.click("#signInSubmit")
    page.wait_for_url(f"**{target}")


def gunzip(body: bytes) -> bytes:
    # urllib does not decode Content-Encoding: the body is still gzip.
    return gzip.decompress(body)


# Small and quick: a few hundred records and a bulk deletion that finishes in half a second.
BASE = MockConfig(recordings=240, seed=7, deletion_delay_s=0.6, audio_bytes=2000)


@pytest.fixture(scope="session")
def mock_site() -> Iterator[MockSite]:
    with MockSite(BASE) as site:
        yield site


@pytest.fixture(autouse=True)
def _fresh_mock(mock_site: MockSite) -> None:
    mock_site.reset(BASE)


class Tools:
    """What the tests use: the running site, HTTP clients, the control API, sign-in."""

    RVH = RVH
    RECORDS = RECORDS

    def __init__(self, site: MockSite) -> None:
        self.site = site
        self.url = site.url

    def state(self) -> dict[str, Any]:
        return self.site.state()

    def client(self, *, signed_in: bool = True) -> Client:
        client = Client(self.url)
        if signed_in:
            client.sign_in()
        return client

    def control(self, path: str, body: Any = None) -> Answer:
        return control(self.url, path, body)

    def sign_in(self, page: Page, *, target: str = RVH, remember: bool = False) -> None:
        sign_in(page, self.url, target=target, remember=remember)

    gunzip = staticmethod(gunzip)


@pytest.fixture
def mock(mock_site: MockSite) -> Tools:
    return Tools(mock_site)


@pytest.fixture(scope="session")
def base_url(mock_site: MockSite) -> str:
    # Overrides pytest-base-url's fixture (which warns under pytest 9, and warnings are
    # errors here); it also lets tests write page.goto("/alexa-privacy/apd/rvh").
    return mock_site.url
