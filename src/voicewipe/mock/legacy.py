"""The pre-2024 GET .../rvh/customer-history-records, as clients meet it now (old_get;
shared/alexa-site.md, "Other endpoints"): 404 on amazon.de in 2024, 429 text/html in 2025."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from voicewipe.mock.web import error_page, site_of

OLD_RECORDS_PATH = "/alexa-privacy/apd/rvh/customer-history-records"


async def old_records(request: Request) -> Response:
    """The pre-2024 GET endpoint, as old_get says it answers now (none: the site's own
    not-found page, as for any unknown address)."""
    mode = site_of(request).config.old_get
    if mode == "none":
        return error_page(request, 404)
    if mode == "429":
        return HTMLResponse(
            "<html><head><title>Too Many Requests</title></head>"
            "<body><h1>Too Many Requests</h1></body></html>",
            status_code=429,
        )
    return HTMLResponse("<html><body><h1>Not Found</h1></body></html>", status_code=404)
