"""The Alexa+ history's feed (option alexa_plus): the rah records endpoint and its deletes.

POST /alexa-privacy/apd/rah/alexa-history-records-v2?startTime=&endTime=, with the same CSRF
header and Referer as the classic feed, body {"previousRequestToken": null} or {}; answers
{"alexaHistoryRecords": [...], "paginationToken": ...} (the token's name is a test mock's in
the sources: the mock also takes it back as paginationToken). The deletes are invented, as
the classic feed's. Without the option every one answers 404, as for an account that never
had Alexa+.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from voicewipe.mock import api
from voicewipe.mock.records import ALEXA_PLUS, Device
from voicewipe.mock.web import check_api, json_error, site_of

FEED = "/alexa-privacy/apd/rah/alexa-history-records-v2"
DELETE_PATH = FEED + "/delete"  # invented, as the classic feed's
DELETE_STATUS_PATH = FEED + "/delete-status"
THROTTLED_PATHS = frozenset({FEED, DELETE_PATH, DELETE_STATUS_PATH})


def _token(body: dict[str, Any]) -> Any:
    # Clients send the token back as previousRequestToken; the mock takes paginationToken too.
    token = body.get("previousRequestToken")
    return body.get("paginationToken") if token is None else token


def _devices(request: Request, body: dict[str, Any], site_devices: list[Device]) -> Any:
    """The device filter: deviceSerialNumber (+ deviceType) in the query, as clients send
    it, or deviceEntityIds in the body, as this mock's page does (invented)."""
    serial = request.query_params.get("deviceSerialNumber")
    if serial is not None:
        kind = request.query_params.get("deviceType")
        return frozenset(
            d.entity_id
            for d in site_devices
            if d.serial == serial and kind in (None, d.device_type)
        )
    return api.devices_of(body)


async def records(request: Request) -> Response:
    site = site_of(request)
    if not site.config.alexa_plus:
        return json_error(request, 404, "Not Found")
    checked = check_api(request)
    if isinstance(checked, Response):
        return checked
    try:
        start, end = api.time_range(request)
        body = await api.json_body(request)
        devices = _devices(request, body, site.data.devices)
        cursor = api.decode_token(_token(body), start, end, "ALEXA_PLUS")
    except api.BadInput as error:
        return json_error(request, 400, str(error))
    with site.lock:
        site.data.settle()
        page, after = site.data.stores[ALEXA_PLUS].page(
            start, end, devices, cursor, site.config.page_size
        )
        out = [r.to_json({}) for r in page]
    token = api.encode_token(after, start, end, "ALEXA_PLUS") if after else None
    return JSONResponse({"alexaHistoryRecords": out, "paginationToken": token})


async def delete(request: Request) -> Response:
    if not site_of(request).config.alexa_plus:
        return json_error(request, 404, "Not Found")
    return await api.delete(request)


async def delete_status(request: Request) -> Response:
    if not site_of(request).config.alexa_plus:
        return json_error(request, 404, "Not Found")
    return await api.delete_status(request)


ROUTES = [
    Route(FEED, records, methods=["POST"]),
    Route(DELETE_PATH, delete, methods=["POST"]),
    Route(DELETE_STATUS_PATH, delete_status, methods=["GET"]),
]
