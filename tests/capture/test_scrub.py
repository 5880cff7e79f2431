"""The scrubber on exchanges built by hand: the same fake for the same value everywhere,
transcripts as other words of the same length, audio as silence, no cookie, and a capture it
cannot classify refused in one line that says what and where but never the value."""

from __future__ import annotations

import base64
import json
import re
import struct
from typing import Any

import pytest
from exchanges import (
    CSRF,
    CUSTOMER,
    EMAIL,
    KEY,
    PASSWORD,
    RECORDS,
    REPLY,
    SAID,
    SERIAL,
    TIME,
    TOTP,
    TYPE,
    UID,
    capture,
    exchange,
    page,
    record,
    records,
)

from voicewipe.alexa.sitefiles import PACKAGED
from voicewipe.capture.har import Capture, Exchange, dumps
from voicewipe.capture.rules import load_rules
from voicewipe.capture.scrub import scrub
from voicewipe.capture.sidecar import Sidecar
from voicewipe.errors import ExitCode, Unclassified, VoicewipeError
from voicewipe.mock.audio import wav

pytestmark = pytest.mark.unit
RVH_PAGE = f"""<!doctype html><html><head><meta name="csrf-token" content="{CSRF}"></head>
<body><div id="nav-link-accountList"><span class="nav-line-1">Hello, Pat</span></div>
<label><input type="checkbox" name="device-filter" value="5f0c7e0a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"
 data-name="Pat&#39;s Kitchen Echo"><span>Pat&#39;s Kitchen Echo</span></label>
<p>Pat, your recordings</p></body></html>"""


def scrubbed(*exchanges: Exchange) -> tuple[Capture, Sidecar]:
    return scrub(capture(*exchanges), load_rules(PACKAGED), account=EMAIL, secrets=[PASSWORD, TOTP])


def refused(*exchanges: Exchange) -> str:
    with pytest.raises(Unclassified) as caught:
        scrubbed(*exchanges)
    message = str(caught.value)
    assert "\n" not in message
    return message


def shape(text: str) -> str:
    return re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", re.sub(r"\d", "0", text)))


def body(exchange: Exchange) -> Any:
    return json.loads(exchange.body)


def test_the_same_value_gets_the_same_fake_everywhere() -> None:
    encoded = UID.replace("/", "%2F").replace(":", "%3A")
    audio = exchange(
        f"/alexa-privacy/apd/rvh/audio?uid={encoded}",
        wav("x", 100),
        mime="audio/wav",
        resource="api",
    )
    out, _ = scrubbed(page(RVH_PAGE), records(record()), audio)
    html, feed, sound = out.exchanges
    rec = body(feed)["customerHistoryRecords"][0]
    key = rec["recordKey"]
    customer, time, kind, serial = key.split("#")
    # the customer id inside the record key is the customer id's fake; the time stays
    assert customer == rec["customerId"] != CUSTOMER
    assert (time, kind) == (str(TIME), kind) and serial != SERIAL and kind != TYPE
    # fakes keep the shape: the same length and the same classes of characters
    assert shape(key) == shape(KEY) and key != KEY
    uid = rec["voiceHistoryRecordItems"][0]["utteranceId"]
    assert uid.startswith(f"{kind}:1.0/2024/06/03/07/{serial}/33:20::TNIH_2V.")
    assert shape(uid) == shape(UID) and uid != UID
    # the audio's address carries the same fake utterance id, URL-encoded as it was
    assert sound.url.endswith("uid=" + uid.replace("/", "%2F").replace(":", "%3A"))
    # the CSRF token of the page is the one the request sent
    meta = re.search(r'name="csrf-token" content="([^"]+)"', html.text())
    assert meta and meta.group(1) == feed.header("anti-csrftoken-a2z", request=True) != CSRF
    # names and device names, in JSON, in attributes, HTML-escaped, and in the page's text
    device = rec["device"]["deviceName"]
    assert device.startswith("Device ") and f'data-name="{device}"' in html.text()
    assert rec["profileName"] != "Pat" and f"Hello, {rec['profileName']}" in html.text()
    assert "Pat" not in html.text() + feed.text()
    assert rec["device"]["deviceEntityId"] in html.text()


def test_transcripts_and_replies_become_other_words_of_the_same_length() -> None:
    out, sidecar = scrubbed(records(record(), record(recordKey=KEY + "#2")))
    first, second = body(out.exchanges[0])["customerHistoryRecords"]
    said, reply = (i["transcriptText"] for i in first["voiceHistoryRecordItems"])
    assert (len(said), len(reply)) == (len(SAID), len(REPLY))
    assert not {"weather", "Springfield", "sunny"} & set(re.findall(r"\w+", said + reply))
    assert second["voiceHistoryRecordItems"][0]["transcriptText"] == said  # the same fake
    assert sidecar.replaced["text"] == {"values": 1, "occurrences": 2}
    assert sidecar.replaced["reply"] == {"values": 1, "occurrences": 2}


def test_japanese_transcripts_stay_japanese_and_as_long() -> None:
    out, _ = scrubbed(
        records(
            record(
                voiceHistoryRecordItems=[
                    {
                        "recordItemType": "CUSTOMER_TRANSCRIPT",
                        "utteranceId": UID,
                        "transcriptText": "今日の天気",
                    }
                ]
            )
        )
    )
    text = body(out.exchanges[0])["customerHistoryRecords"][0]["voiceHistoryRecordItems"][0]
    assert len(text["transcriptText"]) == 5 and text["transcriptText"] != "今日の天気"
    assert all(ord(c) > 0x2FF for c in text["transcriptText"])


def test_a_wav_becomes_silence_of_the_same_length_and_format() -> None:
    sound = wav("some-utterance", 2000)
    audio = exchange(
        "/alexa-privacy/apd/rvh/audio?uid=x1",
        sound,
        mime="audio/wav",
        response_headers=(("content-encoding", "gzip"), ("content-length", "812")),
        resource="api",
    )
    out, sidecar = scrubbed(audio)
    quiet = out.exchanges[0]
    assert len(quiet.body) == len(sound) and quiet.body[:44] == sound[:44]
    assert set(quiet.body[44:]) == {0} and set(sound[44:]) != {0}
    assert struct.unpack("<4sI4s", quiet.body[:12])[2] == b"WAVE"
    # the body is stored decoded: no header may say otherwise
    assert quiet.response_headers == (("content-type", "audio/wav"),)
    assert sidecar.audio == {"silenced": 1, "format_lost": 0, "bytes": 2000}


def test_cookies_are_never_written() -> None:
    session = "Xz81kQp0vN4mL7bT2cR9sW3y"
    out, sidecar = scrubbed(
        exchange(
            "/alexa-privacy/apd/home",
            f"<html><body><p>{session}</p></body></html>",
            mime="text/html",
            request_headers=(("cookie", f"at-main={session}; lc-main=en_US"),),
            response_headers=(("set-cookie", "x-main=Q9wE8rT7yU6iO5pA4sD3fG2h; Path=/"),),
            resource="document",
        )
    )
    text = dumps(out)
    for value in (session, "Q9wE8rT7yU6iO5pA4sD3fG2h", "at-main", "x-main"):
        assert value not in text
    assert sidecar.dropped["cookies"] == 2 and sidecar.dropped["set_cookies"] == 1
    assert sidecar.replaced["cookie"]["occurrences"] == 1  # the value echoed in the page


def test_headers_not_kept_are_dropped_and_tokens_faked() -> None:
    out, sidecar = scrubbed(records(record()))
    sent = dict(out.exchanges[0].request_headers)
    assert set(sent) == {"content-type", "anti-csrftoken-a2z"}
    assert sent["anti-csrftoken-a2z"] != CSRF and len(sent["anti-csrftoken-a2z"]) == len(CSRF)
    assert sidecar.replaced["csrf"]["occurrences"] == 1


def test_the_fakes_are_the_same_for_the_same_capture() -> None:
    one, _ = scrubbed(page(RVH_PAGE), records(record()))
    two, _ = scrubbed(page(RVH_PAGE), records(record()))
    assert dumps(one) == dumps(two)
    assert one.meta.account == "person1@example.invalid"


def test_the_sites_own_files_are_kept_as_they_are() -> None:
    script = exchange(
        "/apd-static/history.js", "const x = 'Pat';", mime="text/javascript", resource="script"
    )
    out, sidecar = scrubbed(script)
    assert out.exchanges[0].body == script.body and sidecar.site_files == 1


# --- what it refuses --------------------------------------------------------------------
def test_an_unknown_json_field_is_refused_by_its_name() -> None:
    message = refused(records(record(fooBar="Secret Words Here")))
    assert message == (
        "capture not written: 1 thing(s) the scrubber could not classify: JSON field `fooBar` "
        f"in POST {RECORDS} (response body): not in flows/alexa/scrub.yaml; add it under "
        "json.fields (personal) or json.safe"
    )


def test_a_field_named_by_a_value_is_told_by_its_length() -> None:
    message = refused(exchange("/alexa-privacy/apd/rvh/x", {KEY: "yes"}))
    assert f"JSON field named by a value ({len(KEY)} characters) in GET /alexa-privacy" in message
    assert CUSTOMER not in message


def test_an_unknown_query_parameter_is_refused() -> None:
    message = refused(exchange("/alexa-privacy/apd/rvh/x?sessionHint=abc", {}))
    assert "query parameter `sessionHint` in GET /alexa-privacy/apd/rvh/x: not in " in message
    assert "abc" not in message


def test_an_email_address_left_is_refused() -> None:
    message = refused(page("<html><body>write to jo.smith@corp.example.net</body></html>"))
    assert message.endswith("an e-mail address in the response body of GET /alexa-privacy/apd/rvh")
    assert "jo.smith" not in message


def test_a_pictures_name_is_no_email_address() -> None:
    scrubbed(page('<html><body><img srcset="/i/logo@2x.png 2x"></body></html>'))


def test_the_accounts_email_is_replaced_everywhere() -> None:
    out, _ = scrubbed(page(f"<html><body>Signed in as {EMAIL}</body></html>"))
    assert EMAIL not in dumps(out) and "person1@example.invalid" in out.exchanges[0].text()


def test_a_password_in_a_form_is_refused() -> None:
    message = refused(page('<form><input type="password" name="pw" value="hunter2"></form>'))
    assert "a password field's value in GET /alexa-privacy/apd/rvh" in message
    assert "hunter2" not in message


def test_a_token_no_rule_covers_is_refused() -> None:
    message = refused(page('<div data-session="aZ3kL9qP2mX8vB4nT7wR"></div>'))
    assert "a token-like value in attribute `data-session` of <div> in GET /alexa-priv" in message


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_a_secret_in_base64_is_refused(offset: int) -> None:
    blob = base64.b64encode(b"k" * offset + PASSWORD.encode() + b"!").decode()
    message = refused(page(f"<html><body><p>{blob}</p></body></html>"))
    assert "a secret given to the scrubber (base64) in the response body of GET" in message
    assert blob not in message and PASSWORD not in message


@pytest.mark.parametrize(
    "form", [TOTP, TOTP.lower(), json.dumps(PASSWORD)[1:-1], "Tr0ub4dor%263-canary"]
)
def test_a_secret_in_any_form_is_refused_even_in_a_script(form: str) -> None:
    script = exchange(
        "/apd-static/x.js", f"var k = '{form}';", mime="text/javascript", resource="script"
    )
    assert "a secret given to the scrubber" in refused(script)


def test_unclassified_is_one_line_and_exits_1() -> None:
    error = Unclassified([f"problem {n}" for n in range(5)])
    assert isinstance(error, VoicewipeError) and error.exit_code == ExitCode.STEP_FAILED
    assert str(error) == (
        "capture not written: 5 thing(s) the scrubber could not classify: problem 0; "
        "problem 1; problem 2; and 2 more"
    )


def test_a_token_in_html_escaped_json_is_the_meta_tags_fake() -> None:
    activity = page(
        f'<html><head><meta name="csrf-token" content="{CSRF}"></head><body>'
        f'<div id="root" data-apd-state="{{&quot;anti-csrftoken-a2z&quot;:&quot;{CSRF}&quot;}}">'
        "</div></body></html>",
        "/alexa-privacy/apd/activity",
    )
    plain = exchange("/alexa-privacy/apd/csrf-token", CSRF, mime="text/plain", resource="api")
    out, _ = scrubbed(activity, plain)
    text = out.exchanges[0].text()
    fake = out.exchanges[1].text()
    assert CSRF not in text and fake != CSRF and len(fake) == len(CSRF)
    assert f'content="{fake}"' in text and f"&quot;{fake}&quot;" in text


def test_audio_of_another_format_becomes_zero_bytes_and_says_so() -> None:
    audio = exchange(
        "/alexa-privacy/apd/rvh/audio?uid=x1",
        b"OggS" + bytes(range(200)),
        mime="audio/ogg",
        resource="api",
    )
    out, sidecar = scrubbed(audio)
    assert out.exchanges[0].body == bytes(204)
    assert sidecar.audio == {"silenced": 1, "format_lost": 1, "bytes": 204}


def test_an_id_in_the_address_is_refused_and_not_shown() -> None:
    message = refused(exchange("/api/activities/A1B2C3D4E5F6G7H8I9J0/items", {}))
    assert message.endswith(
        "a token-like part of the address GET /api/activities/…/items: add its kind to scrub.yaml"
    )
