"""A stand-in for the capture recorder (until `voicewipe capture` has its own): sign in on the
mock site in a real browser, then walk the privacy pages recording every exchange the browser
made (source page), and fetch the feeds, the household and some audio through the context's
request API as voicewipe's steps do (source api). Only what happens after sign-in is kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import pyotp
from playwright.sync_api import APIResponse, Browser, BrowserContext, Request

from voicewipe.capture.har import Capture, Exchange, Meta
from voicewipe.mock import MockSite

PAGES = (
    "/alexa-privacy/apd/home",
    "/alexa-privacy/apd/rvh",
    "/alexa-privacy/apd/rdsh",
    "/alexa-privacy/apd/rshdh",
    "/alexa-privacy/apd/myad",
    "/alexa-privacy/apd/mps",
    "/alexa-privacy/apd/activity",
)
RVH = "/alexa-privacy/apd/rvh"
FEEDS = {
    "VOICE_HISTORY": "/alexa-privacy/apd/rvh/customer-history-records-v2",
    "DETECTED_SOUNDS": "/alexa-privacy/apd/rvh/customer-history-records-v2",
    "SMART_HOME": "/alexa-privacy/apd/rvh/customer-history-records-v2",
}
RAH = "/alexa-privacy/apd/rah/alexa-history-records-v2"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sign_in(context: BrowserContext, mock: MockSite) -> None:
    config = mock.config
    page = context.new_page()
    page.goto(mock.url + "/alexa-privacy/apd/home")
    page.fill("#ap_email", config.email)
    page.click("#continue")
    page.fill("#ap_password", config.password)
    page.click("#signInSubmit")
    if config.mfa == "totp":
        page.fill("#auth-mfa-otpcode", pyotp.TOTP(config.totp_secret).now())
        page.check("input[name=rememberDevice]")
        page.click("input[name=mfaSubmit]")
    page.wait_for_url("**/alexa-privacy/apd/home")
    page.close()


def _page_exchange(request: Request) -> Exchange | None:
    response = request.response()
    if response is None:
        return None
    try:
        body = response.body()
    except Exception:  # a redirect's body, or one the browser no longer holds
        body = b""
    return Exchange(
        method=request.method,
        url=request.url,
        request_headers=tuple((k.lower(), v) for k, v in request.all_headers().items()),
        request_body=request.post_data,
        status=response.status,
        status_text=response.status_text,
        response_headers=tuple((k.lower(), v) for k, v in response.all_headers().items()),
        body=body,
        source="page",
        resource=request.resource_type,
        started=_now(),
    )


def _api_exchange(
    method: str, url: str, headers: dict[str, str], data: str | None, answer: APIResponse
) -> Exchange:
    return Exchange(
        method=method,
        url=url,
        request_headers=tuple((k.lower(), v) for k, v in headers.items()),
        request_body=data,
        status=answer.status,
        status_text=answer.status_text,
        response_headers=tuple((h["name"].lower(), h["value"]) for h in answer.headers_array),
        body=answer.body(),
        source="api",
        resource="api",
        started=_now(),
    )


def walk_pages(context: BrowserContext, mock: MockSite) -> list[Exchange]:
    requests: list[Request] = []

    def finished(request: Request) -> None:
        requests.append(request)

    context.on("requestfinished", finished)
    page = context.new_page()
    exchanges: list[Exchange] = []
    for path in PAGES:
        page.goto(mock.url + path)
        page.wait_for_load_state("networkidle")
        # Read while the page is there: the browser forgets a page's bodies when it leaves.
        exchanges += [e for e in map(_page_exchange, requests) if e is not None]
        requests.clear()
    context.remove_listener("requestfinished", finished)
    page.close()
    return exchanges


class _Api:
    def __init__(self, context: BrowserContext, mock: MockSite, csrf: str) -> None:
        self.context, self.base, self.csrf = context, mock.url, csrf
        self.exchanges: list[Exchange] = []

    def send(self, method: str, path: str, body: Any = None, *, headers: bool = True) -> Any:
        url = self.base + path
        sent = {"anti-csrftoken-a2z": self.csrf, "referer": self.base + RVH} if headers else {}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":"))
            sent["content-type"] = "application/json"
        answer = self.context.request.fetch(url, method=method, headers=sent, data=data)
        self.exchanges.append(_api_exchange(method, url, sent, data, answer))
        try:
            return answer.json()
        except Exception:
            return None


def fetch_feeds(context: BrowserContext, mock: MockSite, csrf: str) -> list[Exchange]:
    api = _Api(context, mock, csrf)
    end = 10**13
    uids: list[str] = []
    for page_type, path in FEEDS.items():
        query = f"{path}?startTime=0&endTime={end}&pageType={page_type}"
        first = api.send("POST", query, {"previousRequestToken": None})
        api.send("POST", query, {"previousRequestToken": first["encodedRequestToken"]})
        for record in first["customerHistoryRecords"]:
            uids += [i["utteranceId"] for i in record["voiceHistoryRecordItems"][:1]]
    if mock.config.alexa_plus:
        first = api.send("POST", f"{RAH}?startTime=0&endTime={end}", {})
        api.send(
            "POST",
            f"{RAH}?startTime=0&endTime={end}",
            {"paginationToken": first["paginationToken"]},
        )
    api.send("GET", "/alexa-privacy/apd/rvh/persons-in-household", headers=False)
    api.send("GET", "/alexa-privacy/apd/csrf-token", headers=False)
    for uid in [u for u in uids if u][:4]:
        api.send("GET", f"/alexa-privacy/apd/rvh/audio?uid={quote(uid, safe='')}", headers=False)
    return api.exchanges


def record(browser: Browser, mock: MockSite) -> tuple[Capture, list[str]]:
    """A capture of the mock's privacy pages after sign-in, and every cookie value the mock
    set in the browser (sign-in included)."""
    context = browser.new_context()
    try:
        sign_in(context, mock)
        exchanges = walk_pages(context, mock)
        page = context.new_page()
        page.goto(mock.url + RVH)
        csrf = page.locator('meta[name="csrf-token"]').get_attribute("content") or ""
        page.close()
        exchanges += fetch_feeds(context, mock, csrf)
        cookies = [c["value"] for c in context.cookies()]
    finally:
        context.close()
    meta = Meta(
        origin=mock.url,
        marketplace="us",
        language=mock.config.locale,
        account=mock.config.email,
        made=_now(),
        source="mock",
        walk=[urlsplit(p).path for p in PAGES],
    )
    return Capture(meta, exchanges), cookies
