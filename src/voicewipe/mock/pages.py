"""The HTML pages behind sign-in: the Alexa Privacy hub, the three history pages, Manage Your
Alexa Data and skill permissions, under the real addresses; plus the short link and the
not-found page.

The history pages render only their frame (filters, buttons, an empty list): the entries come
from customer-history-records-v2 through the page's JavaScript, as on the real site, so a
100,000-record history never becomes one huge page.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from voicewipe.mock import csrf, data, feed
from voicewipe.mock.web import render, session_of, site_of, to_signin

# path tail -> (kind, pageType, title label). rvh is real; rdsh and rshdh are invented.
HISTORY_PAGES = {
    "rvh": (data.VOICE, "VOICE_HISTORY", "section_rvh"),
    "rdsh": (data.SOUNDS, "DETECTED_SOUNDS", "section_rdsh"),
    "rshdh": (data.SMART_HOME, "SMART_HOME", "section_rshdh"),
    # Invented: no source shows the page behind the Alexa+ feed (option alexa_plus).
    "activity": (data.ALEXA_PLUS, "ALEXA_PLUS", "section_activity"),
}
# The feed each page lists from, and the key of its list of records (the Alexa+ one: rah).
_FEEDS = {
    data.ALEXA_PLUS: ("/alexa-privacy/apd/rah/alexa-history-records-v2", "alexaHistoryRecords")
}
_CLASSIC_FEED = ("/alexa-privacy/apd/rvh/customer-history-records-v2", "customerHistoryRecords")
DATE_FILTERS = ("TODAY", "YESTERDAY", "LAST_7_DAYS", "LAST_30_DAYS", "ALL_HISTORY", "CUSTOM")


async def short_link(request: Request) -> Response:
    return RedirectResponse("/alexa-privacy/apd/home", 302)


async def hub(request: Request) -> Response:
    if session_of(request) is None:
        return to_signin(request)
    return render(request, "hub.html", section="home")


async def history(request: Request) -> Response:
    page = request.url.path.rsplit("/", 1)[-1]
    session = session_of(request)
    if session is None:
        return to_signin(request)
    kind, page_type, title = HISTORY_PAGES[page]
    site = site_of(request)
    with site.lock:
        devices = list(site.data.devices if kind != data.SOUNDS else site.data.devices[:3])
        server_now = data.now_ms(site.config)
        token = csrf.current(site.config, session)
        config = site.config
    profiles = feed.household() if config.profile_filter and kind == data.VOICE else []
    return render(
        request,
        "history.html",
        dom=config.dom,
        wording=config.bulk_delete_wording,
        profiles=profiles,
        section=page,
        kind=kind,
        page_type=page_type,
        title=title,
        csrf=token,
        devices=devices,
        date_filters=DATE_FILTERS,
        server_now=server_now,
        feed=_FEEDS.get(kind, _CLASSIC_FEED),
    )


async def myad(request: Request) -> Response:
    session = session_of(request)
    if session is None:
        return to_signin(request)
    site = site_of(request)
    with site.lock:
        settings = site.settings
        current = (settings.retention, settings.deletion_by_voice, settings.data_improves_alexa)
        token = csrf.current(site.config, session)
    return render(
        request,
        "myad.html",
        section="myad",
        csrf=token,
        retention=current[0],
        deletion_by_voice=current[1],
        data_improves_alexa=current[2],
        options=("UNTIL_DELETED", "EIGHTEEN_MONTHS", "THREE_MONTHS", "DONT_SAVE"),
    )


async def skills(request: Request) -> Response:
    if session_of(request) is None:
        return to_signin(request)
    return render(request, "skills.html", section="skills")


async def root(request: Request) -> Response:
    return RedirectResponse("/alexa-privacy/apd/home", 302)


async def favicon(request: Request) -> Response:
    return Response(status_code=204)  # browsers ask; a 404 would litter their consoles


ROUTES = [
    Route("/", root, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
    Route("/alexaprivacysettings", short_link, methods=["GET"]),
    Route("/alexa-privacy/apd/home", hub, methods=["GET"]),
    Route("/alexa-privacy/apd/rvh", history, methods=["GET"]),
    Route("/alexa-privacy/apd/rdsh", history, methods=["GET"]),
    Route("/alexa-privacy/apd/rshdh", history, methods=["GET"]),
    Route("/alexa-privacy/apd/myad", myad, methods=["GET"]),
    Route("/alexa-privacy/apd/mps", skills, methods=["GET"]),
]
