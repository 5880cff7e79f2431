"""Where a client reads the CSRF token besides Review Voice History: the activity page
(/alexa-privacy/apd/activity, here a bare page carrying the token as the meta tag and as
HTML-escaped JSON, as in 2025: anti-csrftoken-a2z&quot;:&quot;...) and the plain-text GET
/alexa-privacy/apd/csrf-token (429 text/html when polled too often: mock/csrf.py).

An account with the Alexa+ history (`alexa_plus`) gets that history's page here instead
(pages.history, as Review Voice History is shown). With `activity_page="redirect"` (invented:
no source says what an account without Alexa+ meets here), the page sends it on to the
privacy hub instead of showing the token.
"""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from voicewipe.mock import csrf, pages
from voicewipe.mock.web import render, session_of, site_of, to_signin

ACTIVITY_PATH = "/alexa-privacy/apd/activity"
CSRF_PATH = "/alexa-privacy/apd/csrf-token"


def page_token(request: Request) -> str | None:
    """The token a page signed in shows now (a new one once stale), or None signed out."""
    session = session_of(request, count=False)
    if session is None:
        return None
    site = site_of(request)
    with site.lock:
        return csrf.current(site.config, session)


async def activity_page(request: Request) -> Response:
    if site_of(request).config.alexa_plus:  # the page of the account's Alexa+ history
        return await pages.history(request)
    token = page_token(request)
    if token is None:
        return to_signin(request)
    if site_of(request).config.activity_page == "redirect":
        return RedirectResponse("/alexa-privacy/apd/home", 302)
    state = Markup(f"{{&quot;anti-csrftoken-a2z&quot;:&quot;{token}&quot;}}")  # a URL-safe token
    return render(request, "activity_token.html", csrf=token, state=state)


async def csrf_token(request: Request) -> Response:
    session = session_of(request)
    if session is None:
        return PlainTextResponse("Unauthorized", status_code=401)
    site = site_of(request)
    with site.lock:
        token = csrf.poll(site.config, session)
    if token is None:
        return HTMLResponse(
            "<html><body><h1>Too Many Requests</h1></body></html>",
            status_code=429,
            headers={"retry-after": str(int(csrf.POLL_INTERVAL_S))},
        )
    return PlainTextResponse(token, headers={"cache-control": "no-store"})


ROUTES = [
    Route(ACTIVITY_PATH, activity_page, methods=["GET"]),
    Route(CSRF_PATH, csrf_token, methods=["GET"]),
]
