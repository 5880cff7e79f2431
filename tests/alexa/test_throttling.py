"""A site that throttles hard: the export slows down to what it accepts, waits out every 429
and loses nothing; run.json counts the downloads (and the throttled answers) on the loop's line
instead of a line per file."""

from __future__ import annotations


def test_a_throttled_export_is_complete(mock, vw):
    # 40 requests a second, 5 at once: the pacer starts above that and must come down to it.
    mock.reset(recordings=150, latency_ms=5, rate_limit=40, rate_burst=5)
    voice = mock.state()["histories"]["voice"]
    done = vw("export", "--json", "--no-screenshots")
    assert done.code == 0, done.result.err
    summary = done.summary["export"]
    assert summary["verified"] is True
    assert summary["records"] == voice["total"]
    assert summary["with_audio"] == voice["with_audio"]
    assert summary["audio_pending"] == summary["audio_bad"] == 0
    asked = mock.state()["requests"]
    assert asked["throttled"] > 0  # the site did refuse some, and they were asked again
    audio = asked["by_endpoint"]["GET /alexa-privacy/apd/rvh/audio"]
    assert audio - asked["throttled"] <= voice["total"]  # each recording fetched once

    loops = [s for s in done.run_json["steps"] if s["label"] == "Download the audio"]
    assert sum(s["quiet"]["download"] for s in loops) == voice["total"]
    assert sum(s["quiet"].get("missing", 0) for s in loops) == voice["total"] - voice["with_audio"]
    assert not [s for s in done.run_json["steps"] if s["kind"] == "download"]
