"""The Alexa+ history (option alexa_plus) over plain HTTP: off by default (the feed 404, the
activity page the old redirect), and on: the rah feed's shapes, its pagination, its CSRF
check, its audio, its deletes, and the state and keys that report it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from voicewipe.mock import corpus, i18n

FEED = "/alexa-privacy/apd/rah/alexa-history-records-v2"
FOREVER = 10**13

pytestmark = pytest.mark.engine


def _page(client: Any, body: Any, start: int = 0, end: int = FOREVER, query: str = "") -> Any:
    return client.request(
        "POST",
        f"{FEED}?startTime={start}&endTime={end}{query}",
        json_body=body,
        headers={
            "anti-csrftoken-a2z": client.csrf,
            "referer": client.base + "/alexa-privacy/apd/activity",
        },
    )


def _every(client: Any, first: Any = None, **kwargs: Any) -> list[list[dict[str, Any]]]:
    pages, body = [], first if first is not None else {"previousRequestToken": None}
    while True:
        answer = _page(client, body, **kwargs)
        assert answer.status == 200, answer.text
        got = answer.json()
        pages.append(got["alexaHistoryRecords"])
        if not got["paginationToken"]:
            return pages
        body = {"previousRequestToken": got["paginationToken"]}


def _key(record: dict[str, Any]) -> str:
    return record.get("activityKey") or f"{record['recordType']}#{record['timestamp']}"


def test_off_by_default_the_account_has_no_alexa_plus_history(mock: Any) -> None:
    client = mock.client()
    assert _page(client, {}).status == 404
    state = mock.state()
    assert set(state["histories"]) == {"voice", "sounds", "smarthome"}
    assert state["config"]["alexa_plus"] is False
    assert mock.control("keys?history=alexa-plus").status == 400
    # The bare page that carries the CSRF token (mock/activity.py), with no history on it.
    page = client.request("GET", "/alexa-privacy/apd/activity")
    assert 'name="csrf-token"' in page.text and "alexaHistoryRecords" not in page.text


def test_the_feed_pages_every_record_once_in_the_sources_shapes(mock: Any) -> None:
    mock.site.reset(recordings=300, alexa_plus=True, page_size=25)
    client = mock.client()
    state = mock.state()["histories"]
    assert state["alexa-plus"]["total"] == 100  # recordings // 3
    assert state["voice"]["total"] == 300  # the other histories as without the option
    pages = _every(client, first={})  # an empty body starts too
    records = [r for page in pages for r in page]
    keys = [_key(r) for r in records]
    assert len(pages) == 4 and len(keys) == len(set(keys)) == 100
    assert sorted(keys) == sorted(mock.control("keys?history=alexa-plus").json()["present"])
    stamps = [r["timestamp"] for r in records]
    assert stamps == sorted(stamps, reverse=True)
    served = {r.key: r.to_json({}) for r in mock.site.site.data.stores["alexa-plus"]}
    assert {_key(r): r for r in records} == served

    kinds = {r["recordType"] for r in records}
    assert kinds == {"utterance", "conversation"}
    for r in records:
        assert isinstance(r["title"], str) and r["title"] and isinstance(r["subTitle"], str)
        assert ("activityKey" in r) == (r["recordType"] == "utterance")
        info = r["deviceInfo"]
        if r["recordType"] == "utterance":
            assert info is None or isinstance(info, dict)
        else:
            assert info is None or isinstance(info, list)
        for person in r["personsInfo"]:
            assert set(person) == {"personId", "personFirstName", "personType"}
    assert any(r["deviceInfo"] == [] for r in records)
    assert any(r["deviceInfo"] is None for r in records)
    assert any("intent" not in r for r in records) and any(
        "utteranceType" not in r for r in records
    )
    assert any(r.get("intent") == "UNKNOWN" for r in records)
    assert any(
        i["recordItemType"] == "ASR_REPLACEMENT_TEXT"
        for r in records
        for i in r["voiceHistoryRecordItems"]
    )


def test_the_feed_checks_csrf_and_takes_the_device_in_the_query(mock: Any) -> None:
    mock.site.reset(recordings=90, alexa_plus=True)
    client = mock.client()
    bare = client.request("POST", f"{FEED}?startTime=0&endTime={FOREVER}", json_body={})
    assert bare.status == 403
    device = mock.site.site.data.devices[0]
    query = f"&deviceSerialNumber={device.serial}&deviceType={device.device_type}"
    mine = [r for page in _every(client, query=query) for r in page]
    expected = [r for r in mock.site.site.data.stores["alexa-plus"] if r.device == device]
    assert len(mine) == len(expected) > 0


def test_audio_comes_from_the_same_endpoint_and_conversations_have_none(mock: Any) -> None:
    mock.site.reset(recordings=60, alexa_plus=True)
    client = mock.client()
    store = list(mock.site.site.data.stores["alexa-plus"])
    spoken = next(r for r in store if r.has_audio)
    talk = next(r for r in store if r.record_type == "conversation")
    assert (
        client.request("GET", f"/alexa-privacy/apd/rvh/audio?uid={quote(spoken.uid)}").status == 200
    )
    assert (
        client.request("GET", f"/alexa-privacy/apd/rvh/audio?uid={quote(talk.uid)}").status == 404
    )
    assert mock.state()["histories"]["alexa-plus"]["with_audio"] == sum(r.has_audio for r in store)


def test_a_bulk_delete_of_the_alexa_plus_history_leaves_the_others(mock: Any) -> None:
    mock.site.reset(recordings=60, alexa_plus=True, deletion_delay_s=0)
    client = mock.client()
    done = client.api("POST", FEED + "/delete", {"startTime": 0, "endTime": FOREVER})
    assert done.json()["status"] == "COMPLETED" and done.json()["deleted"] == 20
    state = mock.state()["histories"]
    assert state["alexa-plus"]["total"] == 0 and state["alexa-plus"]["deleted"] == 20
    assert state["voice"]["total"] == 60
    assert len(mock.control("keys?history=alexa-plus").json()["deleted"]) == 20


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "de-DE", "ja-JP"])
def test_the_activity_page_in_every_locale(mock: Any, locale: str) -> None:
    mock.site.reset(recordings=30, alexa_plus=True, locale=locale)
    client = mock.client()
    page = client.request("GET", "/alexa-privacy/apd/activity")
    title = i18n.locale(locale).labels["section_activity"]
    assert page.status == 200 and f'<h1 class="apd-title">{title}</h1>' in page.text
    assert '<meta name="csrf-token"' in page.text
    assert "alexaHistoryRecords" in page.text  # the page lists from the rah feed
    first = _every(client)[0][0]
    assert first["title"] in {u.transcript for u in _utterances(locale)}


def _utterances(locale: str) -> list[Any]:
    return corpus.UTTERANCES[corpus.language(locale)]


def test_the_same_seed_gives_the_same_alexa_plus_history(mock: Any) -> None:
    now = "2026-06-01T12:00:00+00:00"  # the real clock would move the times
    mock.site.reset(recordings=60, alexa_plus=True, seed=7, now=now)
    first = [r.to_json({}) for r in mock.site.site.data.stores["alexa-plus"]]
    mock.site.reset(recordings=60, alexa_plus=True, seed=7, now=now)
    again = [r.to_json({}) for r in mock.site.site.data.stores["alexa-plus"]]
    mock.site.reset(recordings=60, alexa_plus=True, seed=8, now=now)
    other = [r.to_json({}) for r in mock.site.site.data.stores["alexa-plus"]]
    assert first == again != other
