"""Exchanges built by hand for the scrubber's unit tests."""

from __future__ import annotations

import json
from typing import Any

from voicewipe.capture.har import Capture, Exchange, Meta

SITE = "https://www.amazon.com"
RECORDS = "/alexa-privacy/apd/rvh/customer-history-records-v2"
EMAIL = "pat.doe@mail.example.org"
PASSWORD = "Tr0ub4dor&3-canary"
TOTP = "KRUGS4ZANFZSA2LTEBQSAZDFNVXQ"


def exchange(
    path: str,
    body: bytes | str | Any = b"",
    *,
    mime: str = "application/json",
    method: str = "GET",
    request_body: str | None = None,
    request_headers: tuple[tuple[str, str], ...] = (),
    response_headers: tuple[tuple[str, str], ...] = (),
    resource: str = "fetch",
) -> Exchange:
    if not isinstance(body, bytes | str):
        body = json.dumps(body)
    return Exchange(
        method=method,
        url=SITE + path,
        request_headers=request_headers,
        request_body=request_body,
        status=200,
        status_text="OK",
        response_headers=(("content-type", mime), *response_headers),
        body=body.encode() if isinstance(body, str) else body,
        source="api" if resource == "api" else "page",
        resource=resource,
        started="2026-12-02T10:00:00.000Z",
    )


def capture(*exchanges: Exchange) -> Capture:
    meta = Meta(
        origin=SITE,
        marketplace="us",
        language="en-US",
        account=EMAIL,
        made="2026-12-02T10:00:00Z",
        source="site",
    )
    return Capture(meta, list(exchanges))


def page(body: str, path: str = "/alexa-privacy/apd/rvh") -> Exchange:
    return exchange(path, body, mime="text/html; charset=utf-8", resource="document")


CUSTOMER = "A1B2C3D4E5F6G7"
SERIAL = "G090LF1234567890"
TYPE = "A3S5BH2HU6VAYF"
TIME = 1717400000000
KEY = f"{CUSTOMER}#{TIME}#{TYPE}#{SERIAL}"
UID = f"{TYPE}:1.0/2024/06/03/07/{SERIAL}/33:20::TNIH_2V.0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5dLPM"
DEVICE_ID = "5f0c7e0a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"
CSRF = "gPqR7sT2uV9wX4yZ1aB6cD3eF8gH5iJ0kL"
SAID = "what's the weather in Springfield"
REPLY = "Right now in Springfield it's sunny and 21 degrees."


def record(**extra: Any) -> dict[str, Any]:
    return {
        "recordKey": KEY,
        "recordType": "VOICE_HISTORY",
        "timestamp": TIME,
        "customerId": CUSTOMER,
        "device": {
            "deviceName": "Pat's Kitchen Echo",
            "deviceEntityId": "5f0c7e0a-1b2c-4d3e-8f9a-0b1c2d3e4f5a",
        },
        "profileName": "Pat",
        "utteranceType": "GENERAL",
        "voiceHistoryRecordItems": [
            {"recordItemType": "CUSTOMER_TRANSCRIPT", "utteranceId": UID, "transcriptText": SAID},
            {"recordItemType": "ALEXA_RESPONSE", "utteranceId": UID, "transcriptText": REPLY},
        ],
        **extra,
    }


def records(*items: dict[str, Any], token: str | None = "eyJhIjoxfQ-AbCdEf0123456789") -> Exchange:
    return exchange(
        f"{RECORDS}?startTime=0&endTime={TIME + 1}&pageType=VOICE_HISTORY",
        {"customerHistoryRecords": list(items), "encodedRequestToken": token},
        method="POST",
        request_body=json.dumps({"previousRequestToken": None}),
        request_headers=(
            ("content-type", "application/json"),
            ("anti-csrftoken-a2z", "gPqR7sT2uV9wX4yZ1aB6cD3eF8gH5iJ0kL"),
        ),
    )
