"""The words report.html is made of, from run.json's data alone (no browser, no site): the
sentence of each command and outcome, the values of each phase in words, and the deletion
ledger's counts. The runs behind real reports are in test_report.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from voicewipe.alexa import ledger
from voicewipe.reporting import facts, phases
from voicewipe.reporting.sentence import headline

pytestmark = pytest.mark.unit

EXPORT = {"history": "voice", "records": 300, "reported": 300, "new": 12, "verified": True,
          "with_audio": 278, "no_audio": 22, "audio_pending": 0}  # fmt: skip
DELETE = {"history": "voice", "matched": 300, "deleted": 300, "remaining": 0,
          "export_required": True, "site_deleted": 300, "unchecked_deleted": 0}  # fmt: skip
AUTO = {"retention": "3-months", "retention_label": "Save recordings for 3 months",
        "deletion_by_voice": False, "improve_alexa": True, "changed": ["retention"],
        "changed_since_last_run": {}, "deleted_by_setting": 0}  # fmt: skip


def _run(outcome: str = "ok", exit_code: int = 0, error: str | None = None, **summary: Any):
    histories = {}
    for key in ("export", "delete"):
        if key in summary:
            histories.setdefault("voice", {})[key] = summary[key]
    return {"flow": "wipe", "outcome": outcome, "exit_code": exit_code, "error": error,
            "summary": {**summary, "histories": histories}, "steps": []}  # fmt: skip


@pytest.mark.parametrize(
    ("summary", "said"),
    [
        ({"export": EXPORT}, "300 recordings exported and checked (12 new)."),
        ({"delete": DELETE},
         "300 recordings deleted from Amazon, each in a verified export; 0 remain."),
        ({"delete": {**DELETE, "export_required": False}},
         "300 recordings deleted from Amazon without an export; 0 remain."),
        ({"auto_delete": AUTO}, "Auto-delete: Save recordings for 3 months."),
        ({"export": EXPORT, "delete": DELETE, "auto_delete": AUTO},
         "300 recordings exported and checked, then deleted from Amazon; 0 remain. "
         "Auto-delete: Save recordings for 3 months."),
        ({"export": {**EXPORT, "new": 0}, "delete": {**DELETE, "matched": 0, "deleted": 0},
          "auto_delete": {**AUTO, "changed": []}},
         "Nothing to do: no new recordings, nothing to delete, and auto-delete still reads "
         "Save recordings for 3 months."),
    ],
)  # fmt: skip
def test_a_success_says_what_each_command_did(summary, said):
    assert headline(_run(**summary)).text == said


def test_a_rehearsal_says_what_would_have_been_deleted_or_changed():
    delete = {"history": "voice", "rehearsal": True, "would_delete": 40, "deleted": 0}
    said = headline(_run("rehearsal", export=EXPORT, delete=delete))
    assert said.tone == "rehearsal"
    assert said.text == (
        "300 recordings exported and checked; then a rehearsal, nothing was deleted: 40 "
        "recordings would have been deleted from Amazon. Run again with --yes to delete them."
    )
    auto = {"rehearsal": True, "retention": "18-months", "would_delete": 7}
    assert headline(_run("rehearsal", auto_delete=auto)).text == (
        "A rehearsal, nothing was changed: auto-delete reads 18-months; the new setting would "
        "delete 7 recordings now. Run again with --yes to change it."
    )


def test_a_refusal_and_a_failure_say_why_and_where():
    error = ("flows/alexa/delete.yaml:163:9: step 50 'stop the run' (fail) was refused: 2 of "
             "the 40 recordings to delete are not in a verified export; run `voicewipe export` "
             "first; url: http://127.0.0.1:1/x; screenshot: /tmp/050.png")  # fmt: skip
    refused = headline(_run("failed", 4, error, delete={"history": "voice"}))
    assert (refused.tone, refused.text) == ("refused", (
        "Refused for safety, nothing was deleted: 2 of the 40 recordings to delete are not in "
        "a verified export; run `voicewipe export` first."))  # fmt: skip
    error = ("step 7 'Open the filters' (click) failed: no element matches css '#f' (waited "
             "3s); selector: css '#f'; url: http://x")  # fmt: skip
    data = _run("failed", 1, error, export=EXPORT)
    data["steps"] = [{"number": 7, "label": "Open the filters", "outcome": "failed"}]
    failed = headline(data, {7: "delete"})
    assert failed.text == (
        "300 recordings exported and checked; then stopped in delete at step 7 'Open the "
        "filters': no element matches css '#f' (waited 3s). Run `voicewipe doctor` to see "
        "whether a page changed, then the same command again: it picks up where this one "
        "stopped."
    )


def test_every_value_is_a_word_and_only_a_problem_is_red():
    said = facts.auto_delete({"auto_delete": AUTO})
    shown = {label: (cell.text, cell.tone) for label, cell in said.facts}
    assert shown["deletion by voice"] == ("off", "")
    assert shown["changed by this run"] == ("how long recordings are saved", "")
    assert shown["changed on the site since the last run"] == ("nothing", "")
    left = facts.delete({"delete": {**DELETE, "remaining": 3}, "histories": {}})
    assert left.table is not None and left.table.rows[0][2].tone == "bad"


def test_a_template_a_run_could_not_fill_gives_way_to_its_flow_line():
    step = {"number": 4, "label": "Choose", "kind": "check", "file": "flows/a.yaml", "line": 9,
            "selector": "css 'input[value={{ setting }}]'", "outcome": "ok",
            "url": "about:blank", "screenshot_sha256": "abc"}  # fmt: skip
    [phase] = phases.build({"flow": "a", "flows": [], "steps": [step]})
    [view] = phase.runs[0].steps
    assert view.selector == "as written at flows/a.yaml:9"
    assert view.shot is None  # the blank page a run starts on is no picture


def test_the_ledger_counts_per_month_and_device_from_the_export(tmp_path: Path):
    lines = [
        {"record_key": "a", "timestamp": "2026-11-03T10:00:00Z", "device": "Kitchen"},
        {"record_key": "b", "timestamp": "2026-12-01T10:00:00Z", "device": "Kitchen"},
        {"record_key": "c", "timestamp": "2026-12-02T10:00:00Z", "device": "Office"},
    ]
    (tmp_path / "voice-history.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    summary: dict[str, Any] = {}
    found = ledger.confirmed(tmp_path, "voice", ["a", "b", "c", "zz"], "run-1", summary)
    assert found["by_month"] == {"2026-11": 1, "2026-12": 2, ledger.UNKNOWN: 1}
    assert found["by_device"] == {"Kitchen": 2, "Office": 1, ledger.UNKNOWN: 1}
    assert summary["deletions"]["records"] == 4
    # A key already in the ledger keeps its first line.
    added = ledger.record(tmp_path, "voice", ["a", "d"], "run-2")
    assert [(line["record_key"], line["run"]) for line in added] == [("d", "run-2")]
    assert [line["run"] for line in ledger.lines(tmp_path)] == ["run-1"] * 4 + ["run-2"]
