"""The JSON and audio endpoints over plain HTTP: pagination, CSRF, throttling, faults, bad
input, and the shapes that export flows rely on."""

from __future__ import annotations

import json
import time
from datetime import UTC
from typing import Any

import pytest

from voicewipe.mock import MockConfig
from voicewipe.mock.data import generate

FOREVER = 10**13


def _all_pages(client: Any, start: int = 0, end: int = FOREVER, **extra: Any) -> list[list[dict]]:
    pages, token = [], None
    while True:
        answer = client.records(start, end, token, **extra)
        assert answer.status == 200, answer.text
        body = answer.json()
        pages.append(body["customerHistoryRecords"])
        token = body["encodedRequestToken"]
        if not token:
            return pages


def test_pagination_reaches_every_record_exactly_once(mock: Any) -> None:
    mock.site.reset(recordings=3000, page_size=100)
    client = mock.client()
    pages = _all_pages(client)
    keys = [r["recordKey"] for page in pages for r in page]
    assert len(pages) == 30
    assert len(keys) == len(set(keys)) == 3000 == mock.state()["recordings"]
    stamps = [r["timestamp"] for page in pages for r in page]
    assert stamps == sorted(stamps, reverse=True)


def test_pagination_with_a_range_and_deletions_in_between(mock: Any) -> None:
    mock.site.reset(recordings=500, page_size=7)
    client = mock.client()
    store = mock.site.site.data.stores["voice"]
    records = list(store)
    start, end = records[100].timestamp, records[400].timestamp
    first = client.records(start, end).json()
    seen = [r["recordKey"] for r in first["customerHistoryRecords"]]
    # Delete some records not yet sent, as another tab would: they must simply not appear.
    doomed = {records[150].key, records[151].key}
    assert client.api(
        "POST", mock.RECORDS + "/delete?pageType=VOICE_HISTORY", {"recordKeys": sorted(doomed)}
    ).json() == {"deleted": 2, "status": "COMPLETED"}
    token = first["encodedRequestToken"]
    while token:
        body = client.records(start, end, token).json()
        seen += [r["recordKey"] for r in body["customerHistoryRecords"]]
        token = body["encodedRequestToken"]
    expected = [r.key for r in reversed(records[100:401]) if r.key not in doomed]
    assert seen == expected


def test_response_and_record_shapes(mock: Any) -> None:
    client = mock.client()
    body = client.records(0, FOREVER).json()
    assert set(body) == {
        "customerHistoryRecords",
        "encodedRequestToken",
        "noDataFoundWithinTimeLimit",
        "lastRecordTimestamp",
    }
    assert body["noDataFoundWithinTimeLimit"] is False
    assert body["lastRecordTimestamp"] == body["customerHistoryRecords"][-1]["timestamp"]
    records = [r for page in _all_pages(client) for r in page]
    for record in records:
        customer, stamp, device_type, serial = record["recordKey"].split("#")
        assert int(stamp) == record["timestamp"] and device_type and serial and customer
        assert record["recordType"] == "VOICE_HISTORY"
        assert set(record["device"]) == {"deviceName", "deviceEntityId"}
        for item in record["voiceHistoryRecordItems"]:
            assert set(item) == {
                "recordItemType",
                "utteranceId",
                "transcriptText",
                "agentVisualName",
            }
    types = {r["utteranceType"] for r in records}
    assert {"WAKE_WORD_ONLY", "DEVICE_ARBITRATION", "ASR_TIMEOUT", "GENERAL"} <= types
    items = {i["recordItemType"] for r in records for i in r["voiceHistoryRecordItems"]}
    assert {"CUSTOMER_TRANSCRIPT", "ASR_REPLACEMENT_TEXT", "ALEXA_RESPONSE"} <= items
    wake = next(r for r in records if r["utteranceType"] == "WAKE_WORD_ONLY")
    assert wake["voiceHistoryRecordItems"][0]["recordItemType"] == "ASR_REPLACEMENT_TEXT"
    empty = client.records(0, 1000).json()
    assert empty == {
        "customerHistoryRecords": [],
        "encodedRequestToken": None,
        "noDataFoundWithinTimeLimit": True,
        "lastRecordTimestamp": None,
    }


def test_other_page_types(mock: Any) -> None:
    client = mock.client()
    for page_type, kind, item in (
        ("DETECTED_SOUNDS", "sounds", "DETECTED_SOUND"),
        ("SMART_HOME", "smarthome", "SMART_HOME_EVENT"),
    ):
        records = [r for p in _all_pages(client, page_type=page_type) for r in p]
        assert len(records) == mock.state()["histories"][kind]["total"] > 0
        assert {r["recordType"] for r in records} == {page_type}
        assert {r["voiceHistoryRecordItems"][0]["recordItemType"] for r in records} == {item}


def test_audio_is_a_gzip_wav_of_the_configured_size(mock: Any) -> None:
    client = mock.client()
    store = mock.site.site.data.stores["voice"]
    with_audio = next(r for r in store if r.has_audio)
    without = next(r for r in store if not r.has_audio)
    from urllib.parse import quote

    answer = client.request(
        "GET", f"/alexa-privacy/apd/rvh/audio?uid={quote(with_audio.uid, safe='')}"
    )
    assert answer.status == 200
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.headers["content-type"] == "audio/wav"
    wav = mock.gunzip(answer.body)
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE" and len(wav) == 2000
    missing = client.request(
        "GET", f"/alexa-privacy/apd/rvh/audio?uid={quote(without.uid, safe='')}"
    )
    assert missing.status == 404 and "No audio" in missing.json()["message"]
    assert client.request("GET", "/alexa-privacy/apd/rvh/audio?uid=nope").status == 404
    assert client.request("GET", "/alexa-privacy/apd/rvh/audio").status == 400
    anonymous = mock.client(signed_in=False)
    assert (
        anonymous.request("GET", f"/alexa-privacy/apd/rvh/audio?uid={quote(with_audio.uid)}").status
        == 401
    )


def test_csrf_and_referer_are_required(mock: Any) -> None:
    client = mock.client()
    path = mock.RECORDS + "?startTime=0&endTime=99&pageType=VOICE_HISTORY"
    referer = {"referer": mock.url + mock.RVH}
    cases = {
        "no token": {**referer},
        "wrong token": {**referer, "anti-csrftoken-a2z": "x" + client.csrf},
        "no referer": {"anti-csrftoken-a2z": client.csrf},
        "another page's referer": {
            "anti-csrftoken-a2z": client.csrf,
            "referer": mock.url + "/gp/cart",
        },
    }
    for name, headers in cases.items():
        answer = client.request(
            "POST", path, json_body={"previousRequestToken": None}, headers=headers
        )
        assert answer.status == 403, name
        assert answer.json()["message"] == "Forbidden"
    assert mock.state()["requests"]["csrf_rejected"] == 4
    # The site's root as Referer, as some clients send it, is accepted.
    for root in (mock.url, mock.url + "/"):
        headers = {"anti-csrftoken-a2z": client.csrf, "referer": root}
        answer = client.request(
            "POST", path, json_body={"previousRequestToken": None}, headers=headers
        )
        assert answer.status == 200, root
    # Another session's token is no good either.
    other = mock.client()
    assert other.csrf != client.csrf
    client.csrf, good = other.csrf, client.csrf
    assert client.records(0, 99).status == 403
    client.csrf = good
    assert client.records(0, 99).status == 200
    # Without a session at all: 401.
    anonymous = mock.client(signed_in=False)
    anonymous.csrf = good
    assert anonymous.records(0, 99).status == 401


def test_rate_limit_answers_429(mock: Any) -> None:
    mock.site.configure(rate_limit=5, rate_burst=5)
    client = mock.client()
    statuses = [client.records(0, FOREVER).status for _ in range(25)]
    assert statuses[:5] == [200] * 5
    assert statuses.count(429) >= 15
    throttled = client.records(0, FOREVER)
    if throttled.status == 200:  # a token refilled in between
        throttled = client.records(0, FOREVER)
    assert throttled.status == 429
    assert throttled.json() == {"__type": "ThrottlingException", "message": "Rate exceeded"}
    state = mock.state()["requests"]
    assert state["throttled"] == statuses.count(429) + 1
    # Pages are not throttled, and the bucket refills.
    assert client.request("GET", mock.RVH).status == 200
    time.sleep(0.5)
    assert client.records(0, FOREVER).status == 200


def test_fail_rate_and_latency(mock: Any) -> None:
    client = mock.client()
    mock.site.configure(fail_rate=1.0)
    answer = client.records(0, FOREVER)
    assert answer.status == 503 and answer.json() == {"message": "Service Unavailable"}
    page = client.request("GET", mock.RVH)
    assert page.status == 503 and "Something went wrong" in page.text
    mock.site.configure(fail_rate=0.5)
    statuses = [client.records(0, FOREVER).status for _ in range(40)]
    assert 5 < statuses.count(503) < 35 and statuses.count(200) == 40 - statuses.count(503)
    mock.site.configure(fail_rate=0.0, latency_ms=150)
    began = time.monotonic()
    assert client.records(0, FOREVER).status == 200
    assert time.monotonic() - began >= 0.15
    assert mock.state()["requests"]["injected_failures"] == 2 + statuses.count(503)


BAD_QUERIES = [
    "",  # nothing at all
    "?endTime=5",
    "?startTime=5",
    "?startTime=abc&endTime=5",
    "?startTime=-1&endTime=5",
    "?startTime=9&endTime=5",
    "?startTime=0&endTime=99999999999999999999999",
    "?startTime=0&endTime=5&pageType=EVERYTHING",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_queries_are_400_and_change_nothing(mock: Any, query: str) -> None:
    client = mock.client()
    before = mock.state()
    answer = client.api("POST", mock.RECORDS + query, {"previousRequestToken": None})
    assert answer.status == 400
    assert isinstance(answer.json()["message"], str)
    after = mock.state()
    assert after["histories"] == before["histories"] and after["deletions"] == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'"text"',
        b'{"previousRequestToken": 5}',
        b'{"previousRequestToken": "bm9wZQ"}',
        b'{"previousRequestToken": "!!!"}',
        b'{"deviceEntityIds": "one"}',
        b"\xff\xfe",
    ],
)
def test_bad_bodies_are_400(mock: Any, body: bytes) -> None:
    client = mock.client()
    answer = client.request(
        "POST",
        mock.RECORDS + "?startTime=0&endTime=5",
        body=body,
        headers={
            "anti-csrftoken-a2z": client.csrf,
            "referer": mock.url + mock.RVH,
            "content-type": "application/json",
        },
    )
    assert answer.status == 400, body
    assert "message" in answer.json()


def test_a_token_from_another_query_is_refused(mock: Any) -> None:
    mock.site.reset(page_size=5)
    client = mock.client()
    token = client.records(0, FOREVER).json()["encodedRequestToken"]
    assert token
    assert client.records(0, FOREVER - 1, token).status == 400
    assert client.records(0, FOREVER, token, page_type="SMART_HOME").status == 400
    assert client.records(0, FOREVER, token).status == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"recordKeys": "abc"},
        {"recordKeys": []},
        {"recordKeys": [1, 2]},
        {"startTime": 10},
        {"startTime": "0", "endTime": 10},
        {"startTime": 10, "endTime": 5},
        {"startTime": True, "endTime": 5},
        {"startTime": 0, "endTime": 10**13, "deviceEntityIds": [1]},
    ],
)
def test_bad_delete_requests_delete_nothing(mock: Any, body: dict) -> None:
    client = mock.client()
    before = mock.state()["histories"]
    answer = client.api("POST", mock.RECORDS + "/delete?pageType=VOICE_HISTORY", body)
    assert answer.status == 400
    assert mock.state()["histories"] == before
    assert mock.state()["deletions"] == []


def test_delete_without_csrf_deletes_nothing(mock: Any) -> None:
    client = mock.client()
    before = mock.state()["recordings"]
    answer = client.request(
        "POST",
        mock.RECORDS + "/delete",
        json_body={"startTime": 0, "endTime": FOREVER},
        headers={"referer": mock.url + mock.RVH},
    )
    assert answer.status == 403
    time.sleep(0.7)
    assert mock.state()["recordings"] == before


def test_bulk_delete_through_the_api_and_its_status(mock: Any) -> None:
    client = mock.client()
    total = mock.state()["recordings"]
    job = client.api(
        "POST",
        mock.RECORDS + "/delete?pageType=VOICE_HISTORY",
        {"startTime": 0, "endTime": FOREVER},
    ).json()
    assert job["status"] == "IN_PROGRESS" and job["requested"] == total
    status = client.api(
        "GET", mock.RECORDS + f"/delete-status?deletionRequestId={job['deletionRequestId']}"
    )
    assert status.json()["status"] == "IN_PROGRESS"
    assert mock.state()["recordings"] == total  # not done yet
    time.sleep(0.7)
    status = client.api(
        "GET", mock.RECORDS + f"/delete-status?deletionRequestId={job['deletionRequestId']}"
    )
    assert status.json() == {**job, "status": "COMPLETED", "deleted": total}
    assert mock.state()["recordings"] == 0
    assert client.api("GET", mock.RECORDS + "/delete-status?deletionRequestId=nope").status == 404


def test_other_bad_input(mock: Any) -> None:
    client = mock.client()
    assert client.request("GET", mock.RECORDS).status == 405
    not_found = client.request("GET", "/alexa-privacy/apd/nothing-here")
    assert not_found.status == 404 and "Looking for something?" in not_found.text
    assert (
        client.request(
            "POST", "/ap/signin", body=b"{}", headers={"content-type": "application/json"}
        ).status
        == 400
    )
    assert client.request("POST", "/ap/signin", form={"appActionToken": "forged"}).status == 200
    assert (
        client.api("POST", "/alexa-privacy/apd/myad/retention", {"retention": "FOREVER"}).status
        == 400
    )
    assert (
        client.api("POST", "/alexa-privacy/apd/myad/settings", {"deletionByVoice": "yes"}).status
        == 400
    )
    assert client.api("POST", "/alexa-privacy/apd/myad/settings", {"other": True}).status == 400
    assert mock.state()["settings"] == {
        "retention": "UNTIL_DELETED",
        "deletion_by_voice": False,
        "data_improves_alexa": True,
    }
    assert mock.state()["requests"]["by_status"].get("500") is None


def test_control_api(mock: Any) -> None:
    client = mock.client()
    state = mock.control("state").json()
    assert set(state) == {
        "config",
        "account",
        "recordings",
        "histories",
        "deletions",
        "settings",
        "signin",
        "sessions",
        "requests",
    }
    assert set(state["histories"]["voice"]) == {
        "total",
        "with_audio",
        "pending_deletion",
        "deleted",
        "by_device",
        "by_day",
    }
    assert sum(state["histories"]["voice"]["by_day"].values()) == state["recordings"] == 240
    assert state["signin"]["successes"] == 1 and state["sessions"]["active"] == 1
    assert mock.control("configure", {"captcha": "sometimes"}).status == 400
    assert mock.control("configure", {"nonsense": 1}).status == 400
    assert mock.control("configure", {"recordings": 5}).status == 400  # data: use reset
    assert mock.control("configure", {"latency_ms": "slow"}).status == 400
    assert mock.control("state").json()["config"] == state["config"]
    assert mock.control("configure", {"captcha": "always", "latency_ms": 0}).json() == {"ok": True}
    assert mock.control("config").json()["captcha"] == "always"
    assert mock.control("reset", {"recordings": 12}).json() == {"ok": True}
    assert mock.control("state").json()["recordings"] == 12
    raw = mock.client(signed_in=False).request(
        "POST", "/__mock__/reset", body=b"[", headers={"content-type": "application/json"}
    )
    assert raw.status == 400
    # The control API is never linked from the pages.
    for path in ("/alexa-privacy/apd/home", mock.RVH, "/alexa-privacy/apd/myad", "/ap/signin"):
        assert "__mock__" not in client.request("GET", path).text


def test_generation_is_deterministic_and_fast_at_100k() -> None:
    from datetime import datetime

    now = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)
    a = generate(MockConfig(recordings=400, seed=3, now=now))
    b = generate(MockConfig(recordings=400, seed=3, now=now))
    c = generate(MockConfig(recordings=400, seed=4, now=now))
    dump = lambda d: json.dumps([r.to_json({"TTS": ""}) for r in d.stores["voice"]])  # noqa: E731
    assert dump(a) == dump(b) != dump(c)
    stamps = [r.timestamp for r in a.stores["voice"]]
    assert min(stamps) >= int(now.timestamp() * 1000) - 3 * 366 * 86_400_000
    assert max(stamps) <= int(now.timestamp() * 1000)
    assert len({r.device.name for r in a.stores["voice"]}) >= 5
    assert 0 < sum(not r.has_audio for r in a.stores["voice"]) < 100
    began = time.monotonic()
    big = generate(MockConfig(recordings=100_000))
    assert len(big.stores["voice"]) == 100_000
    assert time.monotonic() - began < 10
