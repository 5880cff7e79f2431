"""What every route needs: templates, the request's locale, its session, errors as Amazon
answers them, and the CSRF check of the JSON endpoints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from voicewipe.mock import csrf, i18n
from voicewipe.mock.auth import Session
from voicewipe.mock.config import DEMO_NAME
from voicewipe.mock.site import Site

SESSION_COOKIE = "at-main"  # the name of Amazon's auth cookie
LANGUAGE_COOKIE = "lc-main"  # Amazon's language cookie, value like de_DE
DEVICE_COOKIE = "amzn-otp-device"  # invented: "Don't require OTP on this browser"
CSRF_HEADER = "anti-csrftoken-a2z"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,  # a misspelt label is a bug, not an empty string
    trim_blocks=True,
    lstrip_blocks=True,
)


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def locale_of(request: Request) -> i18n.Locale:
    """?language=de_DE (then remembered in lc-main), else the cookie, else the site's own."""
    site = site_of(request)
    tag = (
        i18n.from_param(request.query_params.get("language"))
        or i18n.from_param(request.cookies.get(LANGUAGE_COOKIE))
        or site.config.locale
    )
    return i18n.locale(tag, site.config.drift)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    loc = locale_of(request)
    site = site_of(request)
    html = _env.get_template(template).render(
        L=loc.labels,
        n=loc.names,
        loc=loc,
        t=loc.t,
        drift=site.config.drift,
        config=site.config,
        user_name=DEMO_NAME,
        signed_in=session_of(request, count=False) is not None,
        path=request.url.path,
        error=context.pop("error", None),
        tojson=lambda value: json.dumps(value, ensure_ascii=False).replace("</", "<\\/"),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    language = i18n.from_param(request.query_params.get("language"))
    if language:
        response.set_cookie(LANGUAGE_COOKIE, language.replace("-", "_"), samesite="lax")
    return response


def session_of(request: Request, *, count: bool = True) -> Session | None:
    site = site_of(request)
    with site.lock:
        return site.auth.session(request.cookies.get(SESSION_COOKIE), count=count)


def to_signin(request: Request) -> Response:
    """Where an unauthenticated visit to a protected page goes, as on Amazon."""
    site_of(request).stats.unauthenticated += 1
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/ap/signin?openid.return_to={quote(back, safe='')}", 302)


def json_error(request: Request, status: int, message: str, **extra: Any) -> JSONResponse:
    stats = site_of(request).stats
    if status == 400:
        stats.bad_requests += 1
    elif status == 401:
        stats.unauthenticated += 1
    elif status == 403:
        stats.csrf_rejected += 1
    return JSONResponse({"message": message, **extra}, status_code=status)


def check_api(request: Request) -> Session | Response:
    """The session of a JSON request with a valid CSRF header and a privacy page's (or the
    site root's) Referer, or the error to answer: 401 without a session, 403 without the token
    or the Referer."""
    session = session_of(request)
    if session is None:
        return json_error(request, 401, "Unauthorized", errorCode="SESSION_EXPIRED")
    token = request.headers.get(CSRF_HEADER, "")
    if not token or token != session.csrf:
        return json_error(request, 403, "Forbidden", errorCode="CSRF_TOKEN_INVALID")
    site = site_of(request)
    with site.lock:
        stale = csrf.is_stale(site.config, session)
    if stale:  # as Amazon answers a stale token: an HTML page, whatever was asked
        site.stats.csrf_rejected += 1
        return HTMLResponse("<html><body><h1>403 Forbidden</h1></body></html>", status_code=403)
    # The privacy pages' Referer, or the site's root as some clients send (alexa-site.md).
    referer = request.headers.get("referer")
    where = urlsplit(referer or "").path
    if referer is None or not (where in ("", "/") or where.startswith("/alexa-privacy/apd/")):
        return json_error(request, 403, "Forbidden", errorCode="REFERER_INVALID")
    return session


def error_page(request: Request, status: int) -> HTMLResponse:
    key = "not_found" if status == 404 else "unavailable"
    return render(request, "error.html", status=status, kind=key)


async def form_of(request: Request) -> dict[str, str] | None:
    """The posted fields (first value of each), or None when the body is not a form."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    body = await request.body()
    if len(body) > 64_000:
        return None
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return None
    return {k: v[0] for k, v in fields.items()}
