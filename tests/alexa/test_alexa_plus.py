"""The Alexa+ history, and every history in one run: export, delete and wipe of an account
with Alexa+ (alexa_plus on the mock), checked on the site (/__mock__/state and keys) and on
disk (the history files, their raw records, the audio, the manifest); `--what` each choice;
a history the account lacks skipped and said so; a damaged Alexa+ export refusing its
delete."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from invariants import archive_of
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

FILES = {
    "voice": "voice-history.jsonl",
    "sounds": "sounds-history.jsonl",
    "smart-home": "smart-home-history.jsonl",
    "alexa-plus": "alexa-plus-history.jsonl",
}
SITE_NAMES = {"voice": "voice", "sounds": "sounds", "smart-home": "smarthome",
              "alexa-plus": "alexa-plus"}  # fmt: skip


def _lines(archive: Path, history: str) -> list[dict[str, Any]]:
    path = archive / FILES[history]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _served(mock) -> dict[str, dict[str, Any]]:
    """Every Alexa+ record as the mock's feed serves it, by the key the site deletes it by."""
    return {r.key: r.to_json({}) for r in mock.site.data.stores["alexa-plus"]}


def _device(raw: dict[str, Any]) -> str | None:
    info = raw["deviceInfo"]
    if isinstance(info, list):
        return info[0]["deviceName"] if info else None
    return info["deviceName"] if info else None


def _check_alexa_plus_lines(archive: Path, served: dict[str, dict[str, Any]]) -> None:
    lines = _lines(archive, "alexa-plus")
    assert {line["record_key"] for line in lines} == set(served)
    assert len(lines) == len(served)
    for line in lines:
        raw = served[line["record_key"]]
        assert line["raw"] == raw  # the record exactly as the site sent it
        assert line["transcript"] == raw["title"] and line["response"] == raw["subTitle"]
        assert line["speakers"] == [p["personFirstName"] for p in raw["personsInfo"]]
        assert line["device"] == _device(raw)
        assert line["record_type"] == raw["recordType"]
        assert line["intent"] == raw.get("intent") and line["kind"] == raw.get("utteranceType")
        assert line["timestamp_ms"] == raw["timestamp"]


def _check_audio(done, archive: Path, before: dict[str, Any]) -> None:
    lines = _lines(archive, "alexa-plus")
    with_audio = [line for line in lines if line["audio"]]
    assert len(with_audio) == before["alexa-plus"]["with_audio"] > 0
    assert all(line["record_type"] == "utterance" for line in with_audio)
    manifest = json.loads((archive / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["histories"]["alexa-plus"]
    assert entry["file"] == "alexa-plus-history.jsonl" and entry["records"] == len(lines)
    for line in with_audio:
        data = (archive / "audio" / line["audio"]).read_bytes()
        assert data[:4] == b"RIFF"
        assert entry["audio_files"][line["audio"]]["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("marketplace", "language"), [("amazon.com", "en-US"), ("amazon.de", "de-DE")]
)
def test_a_wipe_of_an_alexa_plus_account_empties_every_history(
    mock, vw, out, browser, marketplace, language
):
    """An Alexa+ account signed in through today's pages (the claim e-mail step, the passkey
    prompt, the phone prompt), its feeds answering 10 records a page and its tokens going
    stale 0.6 s after they were read: the wipe exports, checks, deletes and reads back
    every history, and leaves each empty on the site and whole in the export."""
    mock.reset(
        recordings=30, alexa_plus=True, alexa_plus_records=100, locale=language, page_size=10,
        deletion_delay_s=0,
        signin="claim", passkey_nudge=True, phone_fixup=True, csrf_ttl_s=0.6, latency_ms=30,
    )  # fmt: skip
    before = mock.state()["histories"]
    served = _served(mock)
    keys = {h: set(mock.keys(SITE_NAMES[h])["present"]) for h in FILES}
    done = vw("wipe", "--yes", "--json", "--marketplace", marketplace, "--no-screenshots")
    assert done.code == 0, done.result.err

    state = mock.state()["histories"]
    assert {name: part["total"] for name, part in state.items()} == dict.fromkeys(state, 0)
    archive = archive_of(out, marketplace)
    for history, site_name in SITE_NAMES.items():
        lines = _lines(archive, history)
        assert {line["record_key"] for line in lines} == keys[history] > set()
        assert set(mock.keys(site_name)["deleted"]) == keys[history]
        assert all("raw" in line and isinstance(line["speakers"], list) for line in lines)
    _check_alexa_plus_lines(archive, served)
    _check_audio(done, archive, before)

    summary = done.summary
    assert set(summary["histories"]) == set(FILES)
    for history, site_name in SITE_NAMES.items():
        part = summary["histories"][history]
        total = before[site_name]["total"]
        assert part["export"]["verified"] is True and part["export"]["reported"] == total
        assert part["delete"]["deleted"] == part["delete"]["matched"] == total
        assert part["delete"]["remaining"] == 0
    assert summary["auto_delete"]["retention"] == "3-months"
    signin, requests = mock.state()["signin"], mock.state()["requests"]
    assert (signin["passkey_nudges"], signin["phone_fixups"], signin["successes"]) == (1, 1, 1)
    assert requests["csrf_rejected"] >= 1  # a token went stale, was read again, and it went on

    # The report says it per history, in words, in Chromium.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((done.run_folders[-1] / "report.html").as_uri())
        for history, site_name in SITE_NAMES.items():
            total = before[site_name]["total"]
            exported = page.locator(f"#export-{history} td")
            expect(exported.nth(1)).to_have_text(str(total))
            expect(exported.nth(5)).to_have_text("yes")
            deleted = page.locator(f"#delete-{history} td")
            expect(deleted.nth(1)).to_have_text(f"{total} of {total}")
            expect(deleted.nth(2)).to_have_text("0")
    finally:
        context.close()


def test_the_raw_field_keeps_what_the_classic_feed_sent(mock, vw, out):
    mock.reset(recordings=20, deletion_delay_s=0)
    served = {r.key: r.to_json(_replacements()) for r in mock.site.data.stores["voice"]}
    done = vw("export", "--no-audio", "--no-screenshots")
    assert done.code == 0, done.result.err
    lines = _lines(archive_of(out), "voice")
    assert {line["record_key"]: line["raw"] for line in lines} == served
    for line in lines:
        profile = served[line["record_key"]]["profileName"]
        assert line["speakers"] == ([profile] if profile else [])


def _replacements() -> dict[str, str]:
    from voicewipe.mock import corpus

    return corpus.REPLACEMENTS["en"]


def test_what_each_choice_exports_and_deletes_its_histories(mock, vw, out):
    mock.reset(recordings=20, alexa_plus=True, deletion_delay_s=0)
    before = mock.state()["histories"]
    archive = archive_of(out)
    for history in ("sounds", "alexa-plus"):
        done = vw("export", "--what", history, "--json", "--no-screenshots")
        assert done.code == 0, done.result.err
        assert done.summary["export"]["history"] == history
        assert done.summary["export"]["records"] == before[SITE_NAMES[history]]["total"]
        assert len(_lines(archive, history)) == before[SITE_NAMES[history]]["total"]
    assert not (archive / FILES["voice"]).exists()

    done = vw("delete", "--what", "alexa-plus", "--all", "--yes", "--json", "--no-screenshots")
    assert done.code == 0, done.result.err
    state = mock.state()["histories"]
    plus = before["alexa-plus"]["total"]
    assert state["alexa-plus"]["total"] == 0 and state["alexa-plus"]["deleted"] == plus > 0
    assert state["voice"]["total"] == 20 and state["sounds"]["total"] == 2
    assert done.summary["delete"]["deleted"] == plus

    done = vw("export", "--what", "all", "--json", "--no-screenshots")
    assert done.code == 0, done.result.err
    assert set(done.summary["histories"]) == set(FILES)
    for history in ("voice", "smart-home"):
        assert len(_lines(archive, history)) == before[SITE_NAMES[history]]["total"]
    assert len(_lines(archive, "alexa-plus")) == plus  # what the site deleted is kept

    done = vw("delete", "--what", "all", "--all", "--yes", "--json", "--no-screenshots")
    assert done.code == 0, done.result.err
    state = mock.state()["histories"]
    assert {name: part["total"] for name, part in state.items()} == dict.fromkeys(state, 0)
    assert done.summary["histories"]["alexa-plus"]["delete"]["matched"] == 0


def test_a_choice_not_in_the_vocabulary_lists_every_history(vw):
    done = vw("export", "--what", "chats")
    assert done.code == 2
    assert "--what: 'chats' is not one of voice, sounds, smart-home, alexa-plus, all" in (
        done.result.err
    )


def test_a_wipe_skips_the_history_an_account_lacks_and_says_so(mock, vw, out):
    mock.reset(recordings=20, deletion_delay_s=0)  # no Alexa+
    done = vw("wipe", "--yes", "--no-screenshots")
    assert done.code == 0, done.result.err
    skipped = (
        "alexa-plus: skipped, the account has no alexa-plus history "
        "(its feed answers 404)"  # the activity page is there, with no history on it
    )
    assert skipped in done.result.out
    said = (
        "  sounds: 2 in the export (verified), the site listed 2; deleted 2 of 2, verified: "
        "0 remain"
    )
    assert said in done.result.out
    state = mock.state()["histories"]
    assert set(state) == {"voice", "sounds", "smarthome"}
    assert all(part["total"] == 0 for part in state.values())
    assert not (archive_of(out) / FILES["alexa-plus"]).exists()
    assert not list(archive_of(out).glob("**/*alexa-plus*"))  # no part file left either
    manifest = json.loads((archive_of(out) / "manifest.json").read_text(encoding="utf-8"))
    assert "alexa-plus" not in manifest["histories"]

    again = vw("wipe", "--yes", "--json", "--no-screenshots")
    assert again.code == 0, again.result.err
    assert again.summary["histories"]["alexa-plus"]["skipped"].startswith("the account has no")
    assert again.summary["nothing_to_do"] is True


def test_an_activity_page_that_leads_elsewhere_means_no_alexa_plus(mock, vw, out):
    """Without Alexa+, an activity page that sends the account on to the hub: the export of
    that history says the account lacks it, lists nothing and leaves no file."""
    mock.reset(recordings=10, activity_page="redirect")
    done = vw("export", "--what", "alexa-plus", "--no-screenshots")
    assert done.code == 0, done.result.err
    assert (
        "Export (alexa-plus): skipped, the account has no alexa-plus history "
        "(/alexa-privacy/apd/activity leads elsewhere)"
    ) in done.result.out
    assert not list(archive_of(out).glob("**/*alexa-plus*"))


def test_a_damaged_alexa_plus_export_refuses_its_delete(mock, vw, out):
    mock.reset(recordings=30, alexa_plus=True, deletion_delay_s=0)
    done = vw("export", "--what", "alexa-plus", "--no-screenshots")
    assert done.code == 0, done.result.err
    path = archive_of(out) / FILES["alexa-plus"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3] + lines[4:]), encoding="utf-8")

    done = vw("delete", "--what", "alexa-plus", "--all", "--yes", "--no-screenshots")
    assert done.code == 4, done.result.err
    assert (
        "alexa-plus-history.jsonl cannot be trusted (it has 9 records where the manifest says "
        "10); nothing was deleted. Run `voicewipe export` again first"
    ) in done.result.err
    assert mock.state()["histories"]["alexa-plus"]["deleted"] == 0
