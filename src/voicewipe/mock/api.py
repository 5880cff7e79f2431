"""The JSON and audio endpoints the pages call.

customer-history-records-v2 and audio are shaped as shared/alexa-site.md describes. The delete
and settings endpoints are invented (no public source shows Amazon's): they are what this
mock's own page scripts call, CSRF-protected like the rest. Every bad input is a 400 JSON
answer that changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from voicewipe.mock import audio, corpus, data, feed, legacy
from voicewipe.mock.site import RETENTION_OPTIONS
from voicewipe.mock.web import check_api, json_error, session_of, site_of

RECORDS_PATH = "/alexa-privacy/apd/rvh/customer-history-records-v2"
DELETE_PATH = RECORDS_PATH + "/delete"
DELETE_STATUS_PATH = RECORDS_PATH + "/delete-status"
AUDIO_PATH = "/alexa-privacy/apd/rvh/audio"
RETENTION_PATH = "/alexa-privacy/apd/myad/retention"
TOGGLES_PATH = "/alexa-privacy/apd/myad/settings"
_MAX_TIME = 10**13 * 10  # far beyond any real epoch ms; bigger is certainly garbage


class BadInput(Exception):
    """A request Amazon would refuse with 400; the message is the answer's."""


async def _json_body(request: Request) -> dict[str, Any]:
    body = await request.body()
    if not body.strip():
        return {}
    if len(body) > 1_000_000:
        raise BadInput("Request body too large")
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise BadInput("Malformed JSON in request body") from None
    if not isinstance(value, dict):
        raise BadInput("Request body must be a JSON object")
    return value


def _epoch(request: Request, name: str) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        raise BadInput(f"Missing required parameter {name}")
    if not raw.isdigit() or int(raw) > _MAX_TIME:
        raise BadInput(f"Invalid value for {name}")
    return int(raw)


def _range(request: Request) -> tuple[int, int]:
    start, end = _epoch(request, "startTime"), _epoch(request, "endTime")
    if start > end:
        raise BadInput("startTime must not be after endTime")
    return start, end


def _kind(request: Request) -> tuple[str, str]:
    """The history asked for: the Alexa+ feed's by its path; else pageType, or recordType as
    newer clients send it (with a maxRecordSize the site does not follow), or neither (the
    voice history)."""
    if request.url.path.startswith("/alexa-privacy/apd/rah/"):  # the Alexa+ feed's deletes
        return "ALEXA_PLUS", data.ALEXA_PLUS
    query = request.query_params
    page_type = query.get("pageType") or query.get("recordType") or "VOICE_HISTORY"
    if page_type not in data.PAGE_TYPES:
        raise BadInput(f"Invalid value for pageType: {page_type[:40]}")
    size = query.get("maxRecordSize")
    if size is not None and (not size.isdigit() or len(size) > 6):
        raise BadInput("Invalid value for maxRecordSize")
    return page_type, data.PAGE_TYPES[page_type]


def _persons(body: dict[str, Any]) -> frozenset[str] | None:
    """Invented: the profile filter's personIds (mock/README.md)."""
    value = body.get("personIds")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput("personIds must be a list of strings")
    return frozenset(value)


def _keep(persons: frozenset[str] | None) -> Any:
    if persons is None:
        return None
    return lambda r: any(p["personId"] in persons for p in feed.persons_of(r))


def _devices(body: dict[str, Any]) -> frozenset[str] | None:
    value = body.get("deviceEntityIds")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput("deviceEntityIds must be a list of strings")
    return frozenset(value)


def _encode(cursor: data.SortKey, start: int, end: int, page_type: str) -> str:
    raw = json.dumps([cursor[0], cursor[1], start, end, page_type], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(token: Any, start: int, end: int, page_type: str) -> data.SortKey | None:
    """The cursor in a previousRequestToken; it must belong to the same query."""
    if token is None or token == "":
        return None
    if not isinstance(token, str) or len(token) > 2000:
        raise BadInput("Invalid previousRequestToken")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        ts, key, s, e, p = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise BadInput("Invalid previousRequestToken") from None
    if (s, e, p) != (start, end, page_type) or not isinstance(ts, int) or not isinstance(key, str):
        raise BadInput("Invalid previousRequestToken")
    return (ts, key)


async def records(request: Request) -> Response:
    checked = check_api(request)
    if isinstance(checked, Response):
        return checked
    try:
        start, end = _range(request)
        page_type, kind = _kind(request)
        body = await _json_body(request)
        devices = _devices(body)
        keep = _keep(_persons(body))
        cursor = _decode(body.get("previousRequestToken"), start, end, page_type)
    except BadInput as error:
        return json_error(request, 400, str(error))
    site = site_of(request)
    with site.lock:
        site.data.settle()
        page, after = site.data.stores[kind].page(
            start, end, devices, cursor, site.config.page_size, keep
        )
        out = _records_json(site.config, page)
    answer = {
        "customerHistoryRecords": out,
        "encodedRequestToken": _encode(after, start, end, page_type) if after else None,
        "noDataFoundWithinTimeLimit": not out and cursor is None,
        "lastRecordTimestamp": out[-1]["timestamp"] if out else None,
    }
    if site.config.feed == "2025":
        answer["voiceProfileAssociatedWithPerson"] = True
    return JSONResponse(answer)


def _records_json(config: Any, page: list[data.Record]) -> list[dict[str, Any]]:
    replacements = corpus.REPLACEMENTS[corpus.language(config.locale)]
    out = [r.to_json(replacements) for r in page]
    if config.feed == "2025":
        out = [feed.newer(o, r) for o, r in zip(out, page, strict=True)]
    if not config.device_entity_ids:
        for o in out:
            o["device"]["deviceEntityId"] = None
    return out


async def audio_file(request: Request) -> Response:
    if session_of(request) is None:
        return json_error(request, 401, "Unauthorized", errorCode="SESSION_EXPIRED")
    uid = request.query_params.get("uid", "")
    if not uid or len(uid) > 500:
        return json_error(request, 400, "Missing or invalid parameter uid")
    site = site_of(request)
    with site.lock:
        site.data.settle()
        record = site.data.stores[data.VOICE].by_uid(uid)
        if record is None and data.ALEXA_PLUS in site.data.stores:  # the same audio endpoint
            record = site.data.stores[data.ALEXA_PLUS].by_uid(uid)
        size = site.config.audio_bytes
    if record is None:
        return json_error(request, 404, "Recording not found")
    if not record.has_audio:
        return json_error(request, 404, "No audio is available for this recording")
    return Response(
        audio.wav_gzip(uid, size),
        media_type="audio/wav",
        headers={"content-encoding": "gzip", "cache-control": "private, max-age=0"},
    )


async def delete(request: Request) -> Response:
    """Invented. {"recordKeys": [...]} deletes at once; {"startTime", "endTime",
    "deviceEntityIds"?} starts a bulk deletion that completes after deletion_delay_s."""
    checked = check_api(request)
    if isinstance(checked, Response):
        return checked
    try:
        _, kind = _kind(request)
        body = await _json_body(request)
        keys = _record_keys(body)
        span = None if keys is not None else _body_range(body)
        devices = _devices(body)
        keep = _keep(_persons(body))
    except BadInput as error:
        return json_error(request, 400, str(error))
    site = site_of(request)
    if site.config.fail_deletes:  # a backend whose deletions fail, whatever else works
        return JSONResponse({"message": "Service Unavailable"}, status_code=503)
    with site.lock:
        site.data.settle()
        if span is None:  # per-entry: recordKeys given
            deleted = site.data.delete_now(kind, keys or set())
            return JSONResponse({"deleted": deleted, "status": "COMPLETED"})
        if site.config.arrive_on_delete and kind == data.VOICE:
            site.data.arrive(site.config, site.config.arrive_on_delete, late_ms=60_000)
        chosen = site.data.stores[kind].matching(span[0], span[1], devices, keep)
        deletion = site.data.delete_later(kind, chosen, site.config.deletion_delay_s)
        return JSONResponse(_deletion_json(deletion))


def _record_keys(body: dict[str, Any]) -> set[str] | None:
    keys = body.get("recordKeys")
    if keys is None:
        return None
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise BadInput("recordKeys must be a non-empty list of strings")
    return set(keys)


def _body_range(body: dict[str, Any]) -> tuple[int, int]:
    start, end = body.get("startTime"), body.get("endTime")
    if not isinstance(start, int) or isinstance(start, bool):
        raise BadInput("startTime must be epoch milliseconds")
    if not isinstance(end, int) or isinstance(end, bool):
        raise BadInput("endTime must be epoch milliseconds")
    if start < 0 or start > end:
        raise BadInput("startTime must not be after endTime")
    return start, end


def _deletion_json(deletion: data.Deletion) -> dict[str, Any]:
    return {
        "deletionRequestId": deletion.id,
        "status": "COMPLETED" if deletion.done else "IN_PROGRESS",
        "requested": deletion.requested,
        "deleted": deletion.deleted,
    }


async def delete_status(request: Request) -> Response:
    checked = check_api(request)
    if isinstance(checked, Response):
        return checked
    site = site_of(request)
    with site.lock:
        site.data.settle()
        deletion = site.data.deletions.get(request.query_params.get("deletionRequestId", ""))
        if deletion is None:
            return json_error(request, 404, "Unknown deletionRequestId")
        return JSONResponse(_deletion_json(deletion))


async def _checked_body(request: Request) -> dict[str, Any] | Response:
    """The JSON body of a settings call that passed the session and CSRF checks, or the error."""
    checked = check_api(request)
    if isinstance(checked, Response):
        return checked
    try:
        return await _json_body(request)
    except BadInput as error:
        return json_error(request, 400, str(error))


async def retention(request: Request) -> Response:
    """Invented. {"retention": one of RETENTION_OPTIONS}."""
    body = await _checked_body(request)
    if isinstance(body, Response):
        return body
    option = body.get("retention")
    if option not in RETENTION_OPTIONS:
        return json_error(request, 400, "retention must be one of " + ", ".join(RETENTION_OPTIONS))
    deletion = site_of(request).set_retention(option)
    return JSONResponse(
        {"retention": option, "deletionRequestId": deletion.id if deletion else None}
    )


async def toggles(request: Request) -> Response:
    """Invented. {"deletionByVoice": bool} and/or {"dataImprovesAlexa": bool}."""
    body = await _checked_body(request)
    if isinstance(body, Response):
        return body
    fields = {"deletionByVoice": "deletion_by_voice", "dataImprovesAlexa": "data_improves_alexa"}
    if not body or set(body) - fields.keys() or not all(isinstance(v, bool) for v in body.values()):
        return json_error(request, 400, "Expected deletionByVoice and/or dataImprovesAlexa: bool")
    site = site_of(request)
    with site.lock:
        for name, value in body.items():
            setattr(site.settings, fields[name], value)
        s = site.settings
        return JSONResponse(
            {"deletionByVoice": s.deletion_by_voice, "dataImprovesAlexa": s.data_improves_alexa}
        )


async def persons(request: Request) -> Response:
    """The household's voice profiles (shared/alexa-site.md, "Other endpoints")."""
    if session_of(request) is None:
        return json_error(request, 401, "Unauthorized", errorCode="SESSION_EXPIRED")
    return JSONResponse(feed.household())


ROUTES = [
    Route(RECORDS_PATH, records, methods=["POST"]),
    Route(RECORDS_PATH + "/", records, methods=["POST"]),  # some clients add the slash
    Route(feed.PERSONS_PATH, persons, methods=["GET"]),
    Route(legacy.OLD_RECORDS_PATH, legacy.old_records, methods=["GET"]),
    Route(DELETE_PATH, delete, methods=["POST"]),
    Route(DELETE_STATUS_PATH, delete_status, methods=["GET"]),
    Route(AUDIO_PATH, audio_file, methods=["GET"]),
    Route(RETENTION_PATH, retention, methods=["POST"]),
    Route(TOGGLES_PATH, toggles, methods=["POST"]),
]
# The endpoints that the rate limit (429) applies to.
THROTTLED_PATHS = frozenset(
    {RECORDS_PATH, RECORDS_PATH + "/", DELETE_PATH, DELETE_STATUS_PATH, AUDIO_PATH}
)

# What the Alexa+ feed (plus.py) shares with the classic one.
time_range, json_body, devices_of = _range, _json_body, _devices
encode_token, decode_token = _encode, _decode
