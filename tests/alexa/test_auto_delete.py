"""`voicewipe auto-delete` end to end: a rehearsal changes nothing, --yes sets the retention
and both switches on the mock site and reads them back, a later run notices a change someone
made on the site in between, and a retention that deletes unexported recordings is refused."""

from __future__ import annotations

import json
import time

DEFAULTS = {"retention": "UNTIL_DELETED", "deletion_by_voice": False, "data_improves_alexa": True}


def test_rehearsal_changes_nothing(mock, vw):
    """Without --yes nothing on the site changes (not the setting, not the recordings a
    shorter retention would delete), and the run still succeeds, saying how many it would
    delete."""
    assert vw("export", "--no-screenshots").code == 0
    before = mock.state()
    done = vw("auto-delete", "3-months", "--deletion-by-voice", "on", "--json")
    assert done.code == 0, done.result.err
    after = mock.state()
    assert after["settings"] == before["settings"] == DEFAULTS
    assert after["histories"]["voice"]["total"] == before["histories"]["voice"]["total"]
    assert after["deletions"] == []
    summary = done.summary
    assert summary["outcome"] == "rehearsal"
    assert summary["auto_delete"]["rehearsal"] is True
    assert summary["auto_delete"]["retention"] == "until-deleted"  # what the page showed
    # What it would delete is what the site holds older than the setting keeps (keep_days in
    # flows/alexa/auto-delete.yaml: 89 days for 3-months), counted from the mock's own keys.
    cutoff = time.time() * 1000 - 89 * 86_400_000
    older = [k for k in mock.keys("voice")["present"] if int(k.split("#")[1]) < cutoff]
    assert 0 < len(older) < before["histories"]["voice"]["total"]
    assert summary["auto_delete"]["would_delete"] == len(older)
    assert not (done.archive() / "settings.json").exists()


def test_sets_retention_and_both_switches(mock, vw):
    """All three settings land on the site, the summary reports what was read back, and a
    repeat run (a nightly job) finds nothing to change."""
    args = ("18-months", "--deletion-by-voice", "on", "--improve-alexa", "off", "--no-export")
    done = vw("auto-delete", *args, "--yes", "--json")
    assert done.code == 0, done.result.err
    assert mock.state()["settings"] == {
        "retention": "EIGHTEEN_MONTHS",
        "deletion_by_voice": True,
        "data_improves_alexa": False,
    }
    summary = done.summary["auto_delete"]
    assert summary["retention"] == "18-months"
    assert summary["retention_label"] == "Save recordings for 18 months"
    assert summary["deletion_by_voice"] is True
    assert summary["improve_alexa"] is False
    assert sorted(summary["changed"]) == ["deletion_by_voice", "improve_alexa", "retention"]
    assert summary["verified"] is True
    remembered = json.loads((done.archive() / "settings.json").read_text(encoding="utf-8"))
    assert remembered | {"read_at": None} == {
        "retention": "18-months",
        "deletion_by_voice": True,
        "improve_alexa": False,
        "read_at": None,
    }

    # Nothing differs now: no destructive step is reached, so even a rehearsal completes.
    again = vw("auto-delete", *args, "--json")
    assert again.code == 0, again.result.err
    assert again.summary["outcome"] == "ok"
    assert again.summary["auto_delete"]["changed"] == []
    assert again.summary["auto_delete"]["changed_since_last_run"] == {}


def test_off_keeps_recordings_until_deleted(mock, vw):
    """`off` goes back to "until I delete them" and leaves the switches as they were."""
    first = vw("auto-delete", "3-months", "--yes", "--no-screenshots", "--no-export")
    assert first.code == 0, first.result.err
    assert mock.state()["settings"]["retention"] == "THREE_MONTHS"

    done = vw("auto-delete", "off", "--yes", "--json")
    assert done.code == 0, done.result.err
    assert mock.state()["settings"] == DEFAULTS
    summary = done.summary["auto_delete"]
    assert summary["retention"] == "until-deleted"
    assert summary["retention_label"] == "Save recordings until I delete them"
    assert summary["changed"] == ["retention"]
    assert summary["verified"] is True


def test_reports_a_change_made_on_the_site_since(mock, vw, tmp_path):
    """If someone (or Amazon) changed the settings between two runs, the later run says what
    changed, from what to what, before putting them back."""
    args = ("18-months", "--deletion-by-voice", "off", "--yes", "--no-export")
    first = vw("auto-delete", *args, "--no-screenshots")
    assert first.code == 0, first.result.err

    # Someone else changes the settings on the site (another copy, another machine).
    elsewhere = tmp_path / "elsewhere"
    meddle = vw(
        "auto-delete",
        "off",
        "--deletion-by-voice",
        "on",
        "--yes",
        "--no-screenshots",
        "--out",
        str(elsewhere),
    )  # the last --out is the one used
    assert meddle.code == 0, meddle.result.err
    assert mock.state()["settings"]["retention"] == "UNTIL_DELETED"
    remembered = json.loads((first.archive() / "settings.json").read_text(encoding="utf-8"))
    assert remembered["retention"] == "18-months"  # this archive has not seen the change

    done = vw("auto-delete", *args, "--json")
    assert done.code == 0, done.result.err
    summary = done.summary["auto_delete"]
    assert summary["changed_since_last_run"] == {
        "retention": ["18-months", "until-deleted"],
        "deletion_by_voice": [False, True],
    }
    assert sorted(summary["changed"]) == ["deletion_by_voice", "retention"]
    assert mock.state()["settings"] == {
        "retention": "EIGHTEEN_MONTHS",
        "deletion_by_voice": False,
        "data_improves_alexa": True,
    }


def test_a_shorter_retention_is_refused_until_an_export_holds_what_it_deletes(mock, vw):
    """ "Save recordings for 3 months" deletes every older recording at once: without a
    verified export of them it is refused (exit 4) and nothing changes; after an export it
    goes ahead and says how many recordings it deleted."""
    before = mock.state()
    refused = vw("auto-delete", "3-months", "--yes", "--no-screenshots")
    assert refused.code == 4, refused.result.err
    assert "not in a verified export" in refused.result.err
    assert mock.state()["settings"] == DEFAULTS
    assert mock.state()["histories"]["voice"]["total"] == before["histories"]["voice"]["total"]

    assert vw("export", "--no-screenshots").code == 0
    done = vw("auto-delete", "3-months", "--yes", "--json", "--no-screenshots")
    assert done.code == 0, done.result.err
    after = mock.state()
    voice = after["histories"]["voice"]  # a bulk deletion, still running or done
    deleted = before["histories"]["voice"]["total"] - voice["total"] + voice["pending_deletion"]
    assert after["settings"]["retention"] == "THREE_MONTHS"
    assert deleted > 0
    assert done.summary["auto_delete"]["deleted_by_setting"] == deleted


RECORDS_API = "/alexa-privacy/apd/rvh/customer-history-records-v2"


def _records_requests(mock) -> int:
    counts = mock.state()["requests"]["by_endpoint"]
    return sum(n for endpoint, n in counts.items() if RECORDS_API in endpoint)


def test_what_a_shorter_retention_deletes_is_listed_and_counted_from_the_site(mock, vw):
    """The recordings "3 months" deletes at once are listed before the confirmation, each
    checked in the export; the count it reports is that listing's, and it is what the site
    then deleted. A late recording older than three months, in no export, is refused."""
    mock.reset(recordings=400, page_size=10, deletion_delay_s=0)
    before = mock.state()["histories"]["voice"]["total"]
    assert vw("export", "--no-screenshots").code == 0
    (late,) = mock.arrive(1, late_s=200 * 86_400)
    refused = vw("auto-delete", "3-months", "--yes", "--no-screenshots")
    assert refused.code == 4, refused.result.err
    assert "1 of them not in a verified export" in refused.result.err
    assert mock.state()["settings"] == DEFAULTS
    with mock.site.lock:  # deleted in the app: the rest is all exported
        mock.site.data.delete_now("voice", {late})

    asked = _records_requests(mock)
    done = vw("auto-delete", "3-months", "--yes", "--json", "--no-screenshots")
    assert done.code == 0, done.result.err
    assert _records_requests(mock) > asked  # listed from the site, not counted from the export
    voice = mock.state()["histories"]["voice"]
    summary = done.summary["auto_delete"]
    assert summary["deleted_by_setting"] == before - voice["total"] > 0
