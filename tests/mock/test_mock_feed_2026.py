"""The classic feed as clients use it in 2025-2026, over plain HTTP: every request variant is
answered alike, the newer record fields (feed=2025) and a null deviceEntityId, the household's
profiles, the old GET endpoint, a CSRF token going stale and where a fresh one is read, and
recordings reaching the JSON late (publish_delay_s)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from voicewipe.mock import MockConfig

pytestmark = pytest.mark.engine

FOREVER = 10**13
RECORDS = "/alexa-privacy/apd/rvh/customer-history-records-v2"


def _post(client: Any, path: str, body: Any, referer: str = "/alexa-privacy/apd/rvh") -> Any:
    return client.request(
        "POST",
        path,
        json_body=body,
        headers={"anti-csrftoken-a2z": client.csrf, "referer": client.base + referer},
    )


def _keys(answer: Any) -> list[str]:
    assert answer.status == 200, answer.text
    return [r["recordKey"] for r in answer.json()["customerHistoryRecords"]]


def test_every_request_variant_gets_the_same_page(mock: Any) -> None:
    mock.site.reset(page_size=10)
    client = mock.client()
    span = f"startTime=0&endTime={FOREVER}"
    reference = _keys(_post(client, f"{RECORDS}?{span}&pageType=VOICE_HISTORY", {}))
    assert len(reference) == 10
    variants = [
        (f"{RECORDS}?{span}&pageType=VOICE_HISTORY", {"previousRequestToken": None}),
        (f"{RECORDS}?{span}&recordType=VOICE_HISTORY&maxRecordSize=50", {}),
        (f"{RECORDS}?{span}", {"previousRequestToken": None}),
        (f"{RECORDS}/?{span}&pageType=VOICE_HISTORY", {}),
        (f"{RECORDS}/?{span}&recordType=VOICE_HISTORY&maxRecordSize=10", {}),
        (f"{RECORDS}?{span}&pageType=VOICE_HISTORY&disableGlobalNav=false", {}),
    ]
    for path, body in variants:
        assert _keys(_post(client, path, body)) == reference, path
    # The activity page as the Referer, as newer clients send it.
    activity = "/alexa-privacy/apd/activity?disableGlobalNav=true&ref=activityHistory"
    assert _keys(_post(client, f"{RECORDS}?{span}", {}, referer=activity)) == reference
    # maxRecordSize is not followed (about 10 a page whatever it says), but garbage is a 400.
    bad = _post(client, f"{RECORDS}?{span}&maxRecordSize=lots", {})
    assert bad.status == 400 and bad.json()["message"] == "Invalid value for maxRecordSize"


def test_a_trailing_slash_pages_through_everything(mock: Any) -> None:
    mock.site.reset(page_size=10)
    client = mock.client()
    seen: list[str] = []
    body: dict[str, Any] = {}
    while True:
        answer = _post(client, f"{RECORDS}/?startTime=0&endTime={FOREVER}", body)
        seen += _keys(answer)
        token = answer.json()["encodedRequestToken"]
        if not token:
            break
        body = {"previousRequestToken": token}
    assert len(seen) == len(set(seen)) == mock.state()["recordings"]


def test_the_2025_fields_and_utterance_types(mock: Any) -> None:
    mock.site.reset(feed="2025", device_entity_ids=False, page_size=1000)
    client = mock.client()
    body = _post(client, f"{RECORDS}?startTime=0&endTime={FOREVER}", {}).json()
    assert body["voiceProfileAssociatedWithPerson"] is True
    records = body["customerHistoryRecords"]
    assert len(records) == mock.state()["recordings"]
    household = client.request("GET", "/alexa-privacy/apd/rvh/persons-in-household").json()
    ids = {p["personId"]: p for p in household}
    assert {p["personFirstName"] for p in household} == {"Sam", "Jamie", "Robin"}
    assert all(set(p) == {"personId", "personFirstName", "personType"} for p in household)
    for record in records:
        assert record["device"]["deviceEntityId"] is None
        assert record["customerId"] == record["recordKey"].split("#")[0]
        assert record["isBinaryFeedbackProvided"] is False
        assert "isFeedbackPositive" in record and "cardResponse" in record
        for person in record["personsInfo"]:
            assert ids[person["personId"]] == person
            assert person["personFirstName"] == record["profileName"]
        for item in record["voiceHistoryRecordItems"]:
            assert item["recordItemKey"].startswith(record["recordKey"] + "#")
            assert item["personsInfo"] == record["personsInfo"]
            if item["recordItemType"] == "PROFILE":
                assert item["utteranceId"] is None and item["timestamp"] == 0
            else:
                assert item["timestamp"] == record["timestamp"]
    types = {r["utteranceType"] for r in records}
    assert {
        "GENERAL",
        "ROUTINES_OR_TAP_TO_ALEXA",
        "ROUTINES_3P",
        "DISCARDED_NON_DEVICE_DIRECTED_INTENT",
        "FALSE_WAKE_WORD_1P",
    } <= types
    assert any(
        i["recordItemType"] == "PROFILE" for r in records for i in r["voiceHistoryRecordItems"]
    )


def test_the_profile_filter_keeps_one_persons_recordings(mock: Any) -> None:
    mock.site.reset(page_size=1000)
    client = mock.client()
    household = client.request("GET", "/alexa-privacy/apd/rvh/persons-in-household").json()
    jamie = next(p["personId"] for p in household if p["personFirstName"] == "Jamie")
    body = {"personIds": [jamie]}
    records = _post(client, f"{RECORDS}?startTime=0&endTime={FOREVER}", body).json()
    names = {r["profileName"] for r in records["customerHistoryRecords"]}
    assert names == {"Jamie"}
    expected = sum(1 for r in mock.site.site.data.stores["voice"] if r.profile == "Jamie")
    assert len(records["customerHistoryRecords"]) == expected > 0


@pytest.mark.parametrize(
    ("mode", "status", "text"), [("404", 404, "Not Found"), ("429", 429, "Too Many Requests")]
)
def test_the_old_get_endpoint(mock: Any, mode: str, status: int, text: str) -> None:
    mock.site.reset(old_get=mode)
    client = mock.client()
    answer = client.request(
        "GET", f"/alexa-privacy/apd/rvh/customer-history-records?startTime=0&endTime={FOREVER}"
    )
    assert answer.status == status
    assert answer.headers["content-type"].startswith("text/html")
    assert text in answer.text


def test_a_stale_token_is_refused_with_html_and_a_fresh_one_is_handed_out(mock: Any) -> None:
    mock.site.reset(csrf_ttl_s=0.3)
    client = mock.client()
    path = f"{RECORDS}?startTime=0&endTime={FOREVER}&pageType=VOICE_HISTORY"
    assert _post(client, path, {}).status == 200
    time.sleep(0.4)
    stale = _post(client, path, {})
    assert stale.status == 403
    assert stale.headers["content-type"].startswith("text/html")
    old = client.csrf
    # The plain-text endpoint gives a new token; asked again at once, it says 429.
    fresh = client.request("GET", "/alexa-privacy/apd/csrf-token")
    assert fresh.status == 200 and fresh.text != old
    client.csrf = fresh.text
    assert _post(client, path, {}).status == 200
    again = client.request("GET", "/alexa-privacy/apd/csrf-token")
    assert again.status == 429 and "Too Many Requests" in again.text
    assert mock.state()["requests"]["csrf_rejected"] == 1


def test_the_activity_page_carries_the_token_twice(mock: Any) -> None:
    mock.site.reset(csrf_ttl_s=0.2)
    client = mock.client()
    time.sleep(0.3)
    page = client.request("GET", "/alexa-privacy/apd/activity").text
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    escaped = re.search(r"anti-csrftoken-a2z&quot;:&quot;([^&]+)&quot;", page)
    assert meta and escaped and meta[1] == escaped[1] != client.csrf
    client.csrf = meta[1]
    answer = _post(client, f"{RECORDS}?startTime=0&endTime={FOREVER}", {})
    assert answer.status == 200


def test_the_default_token_never_goes_stale(mock: Any) -> None:
    client = mock.client()
    assert client.request("GET", "/alexa-privacy/apd/csrf-token").text == client.csrf
    assert client.request("GET", "/alexa-privacy/apd/csrf-token").status == 429


def test_new_recordings_reach_the_json_late(mock: Any) -> None:
    mock.site.reset(publish_delay_s=0.6)
    client = mock.client()
    before = mock.state()["recordings"]
    keys = mock.control("arrive", {"recordings": 3}).json()["keys"]
    assert mock.state()["recordings"] == before
    newest = _keys(_post(client, f"{RECORDS}?startTime=0&endTime={FOREVER}", {}))
    assert not set(keys) & set(newest)
    time.sleep(0.7)
    newest = _keys(_post(client, f"{RECORDS}?startTime=0&endTime={FOREVER}", {}))
    assert set(keys) <= set(newest)
    assert mock.state()["recordings"] == before + 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"csrf_ttl_s": -1}, "csrf_ttl_s must be >= 0"),
        ({"old_get": "500"}, "old_get must be one of none, 404, 429"),
        ({"dom": "2030"}, "dom must be one of classic, 2025"),
        (
            {"bulk_delete_wording": "x"},
            "bulk_delete_wording must be one of classic, all_recordings, selected",
        ),
        ({"feed": "new"}, "feed must be one of classic, 2025"),
        ({"device_entity_ids": "no"}, "device_entity_ids must be true or false"),
        ({"publish_delay_s": 4000}, "publish_delay_s must be between 0 and 3600"),
    ],
)
def test_bad_options_say_what_is_wrong(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        MockConfig().replace(**change)


def test_the_defaults_are_as_before() -> None:
    config = MockConfig()
    assert (config.csrf_ttl_s, config.old_get, config.publish_delay_s) == (0.0, "none", 0.0)
    assert (config.dom, config.bulk_delete_wording, config.feed) == (
        "classic",
        "classic",
        "classic",
    )
    assert config.device_entity_ids is True and config.profile_filter is False
