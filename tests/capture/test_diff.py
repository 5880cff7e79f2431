"""`voicewipe capture --diff OLD NEW` between captures the real command makes of the mock site:
against its drift variant it names every renamed element and reworded label (taken from the
mock's own tables, i18n.NAMES/DRIFT_NAMES and the locale's `drift:` labels), with the flows'
lines that use them; two captures of the same variant say nothing changed, and so does one
whose personal values are other fakes. A feed's fields, types and record types, a page that
only one capture has, and a file that is no capture are said too."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clirun import Result, run_cli
from voicewipe.mock.i18n import DRIFT_NAMES, NAMES, locale

pytestmark = pytest.mark.e2e

MOCK = ["--mock-option", "recordings=12", "--mock-option", "audio_bytes=2000"]
# The names of the mock's table on the pages the walk opens (the rest only show while a
# deletion runs): every one the drift variant renames must be said renamed.
ON_THE_PAGES = (
    "filter_bar", "filter_menu", "date_menu", "device_menu", "filter_row", "date_radio",
    "custom_range", "date_start", "date_end", "delete_all", "box", "record_info", "device",
    "profile", "preview", "transcript", "replacement", "expand", "play", "delete", "message",
    "dialog", "confirm", "cancel", "retention_radio", "retention_confirm",
    "voice_delete_toggle", "improve_toggle",
)  # fmt: skip
# The labels of the locale's table that those pages show whole (as an element's only text).
LABELS_SHOWN = (
    "date_LAST_7_DAYS", "date_LAST_30_DAYS", "date_ALL_HISTORY", "date_CUSTOM",
    "delete_all_TODAY", "filter_date", "confirm_delete", "confirm_cancel", "delete_entry",
    "end_of_list", "no_records", "retention_title", "retention_confirm", "voice_delete_title",
)  # fmt: skip
NO_CHANGE = re.compile(
    r"No change in what the flows rely on between (\S+) and (\S+) \((\d+) pages, (\d+) feeds "
    r"compared\)"
)


def _capture(folder: Path, name: str, *options: str) -> Path:
    out = folder / f"{name}.har"
    done = subprocess.run(
        [sys.executable, "-m", "voicewipe", "capture", "--mock", *MOCK, *options, "--out",
         str(out), "--runs", str(folder / "runs"), "--no-screenshots"],
        capture_output=True, text=True, timeout=180, check=False,
        env={**os.environ, "XDG_STATE_HOME": str(folder / "state")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The mock captured twice as it is and once redesigned (drift), one after another: the
    three share the keyring's one key for saved sign-ins."""
    folder = tmp_path_factory.mktemp("captures")
    return {
        "classic": _capture(folder, "classic"),
        "again": _capture(folder, "again"),
        "drift": _capture(folder, "drift", "--mock-option", "drift=true"),
    }


def _diff(old: Path, new: Path, *more: str) -> Result:
    done = run_cli("capture", "--diff", str(old), str(new), *more, timeout=240)
    assert "Traceback" not in done.err, done.err
    return done


def _token(name: str, out: str) -> str:
    """How the output spells one of the mock's names: #id, .class or [name=radio]."""
    for spelt in (f"#{name}", f".{name}", f"[name={name}]"):
        if re.search(re.escape(spelt) + r"(?![\w-])", out):
            return spelt
    raise AssertionError(f"{name} is not in the output:\n{out}")


def test_the_drift_variant_names_renamed_elements_and_reworded_labels(captures):
    done = _diff(captures["classic"], captures["drift"])
    assert done.code == 1, done.err
    out = done.out
    for key in ON_THE_PAGES:
        old, new = NAMES[key], DRIFT_NAMES[key]
        assert old != new, key
        said = f"renamed: {_token(old, out)} -> {_token(new, out)} "
        assert said in out, f"{key}: no {said!r} in\n{out}"
    labels, drift = locale("en-US").labels, locale("en-US", drift=True).labels
    for key in LABELS_SHOWN:
        assert labels[key] != drift[key], key
        said = f"{labels[key]!r} -> {drift[key]!r}"
        assert re.search(r"reworded: .*" + re.escape(said), out), f"{key}: {said} in\n{out}"
    # Which flows rely on them: the lines of flows/alexa that name them.
    bar = next(line for line in out.splitlines() if "#filters-selected-bar ->" in line)
    assert re.search(r"capture\.yaml:\d+", bar) and re.search(r"delete\.yaml:\d+", bar), bar
    period = next(line for line in out.splitlines() if "'All history' -> 'All time'" in line)
    assert "languages/en-US.yaml:" in period and "(labels.date.ALL_HISTORY)" in period, period
    assert out.splitlines()[0].startswith(f"OLD {captures['classic']}: made ")
    assert "drift=true, amazon.com, en-US" in out.splitlines()[1]


def test_the_same_variant_twice_says_nothing_changed(captures):
    done = _diff(captures["classic"], captures["again"])
    assert done.code == 0, done.out
    lines = done.out.strip().splitlines()
    assert len(lines) == 1, done.out
    found = NO_CHANGE.fullmatch(lines[0])
    assert found, lines[0]
    assert found.group(1, 2) == (str(captures["classic"]), str(captures["again"]))
    assert int(found.group(3)) >= 5 and int(found.group(4)) >= 3, lines[0]


def test_json_is_one_object(captures):
    done = _diff(captures["classic"], captures["drift"], "--json")
    assert done.code == 1
    said = json.loads(done.out)
    assert said["changed"] is True and said["old"]["file"] == str(captures["classic"])
    rvh = said["pages"]["/alexa-privacy/apd/rvh"]
    bar = next(c for c in rvh if c["what"].startswith("#filters-selected-bar -> #vh-filter-bar"))
    assert bar["kind"] == "renamed" and bar["counts"] is True
    assert any(ref.startswith("capture.yaml:") for ref in bar["used"]), bar


def _doctored(
    source: Path,
    to: Path,
    *,
    edit: Callable[[Any], Any] = lambda data: data,
    swaps: dict[str, str] | None = None,
    drop: str = "",
) -> Path:
    """A copy of a capture with its JSON answers edited (as data, whatever their spacing),
    values swapped everywhere, and the exchanges of one address left out."""
    har = json.loads(source.read_text(encoding="utf-8"))
    entries = [
        e for e in har["log"]["entries"] if not (drop and e["request"]["url"].endswith(drop))
    ]
    for entry in entries:
        content = entry["response"]["content"]
        if content.get("mimeType") == "application/json" and content.get("text"):
            content["text"] = json.dumps(edit(json.loads(content["text"])))
    har["log"]["entries"] = entries
    text = json.dumps(har)
    for old, new in sorted((swaps or {}).items(), key=lambda pair: -len(pair[0])):
        text = text.replace(old, new)
    to.write_text(text, encoding="utf-8")
    return to


def _values(data: Any, names: tuple[str, ...], found: set[str]) -> set[str]:
    if isinstance(data, dict):
        for name, value in data.items():
            if name in names and isinstance(value, str):
                found.add(value)
            _values(value, names, found)
    elif isinstance(data, list):
        for item in data:
            _values(item, names, found)
    return found


def _personal(capture: Path) -> set[str]:
    """The personal values of a capture's feeds (as the scrubber left them: fakes), those
    spelt plainly enough to be swapped in its text without touching anything else."""
    found: set[str] = set()
    for entry in json.loads(capture.read_text(encoding="utf-8"))["log"]["entries"]:
        content = entry["response"]["content"]
        if content.get("mimeType") == "application/json" and content.get("text"):
            names = ("deviceName", "deviceEntityId", "transcriptText")
            _values(json.loads(content["text"]), names, found)
    return {v for v in found if len(v) >= 12 and re.fullmatch(r"[\w -]+", v)}


def test_other_personal_values_are_no_change(captures, tmp_path):
    """Another person's capture holds other fakes (device names and ids, transcripts, the
    csrf token): nothing the flows rely on changed."""
    classic = captures["classic"]
    token = re.search(r'name=\\"csrf-token\\" content=\\"([^\\]+)', classic.read_text())
    assert token, "the mock's pages carry a csrf token"
    personal = sorted(_personal(classic))
    assert len(personal) >= 5, personal
    swaps = {value: f"Other value {n:03d} of somebody" for n, value in enumerate(personal)}
    swaps[token.group(1)] = "another-persons-csrf-token"
    other = _doctored(classic, tmp_path / "other.har", swaps=swaps)
    assert all(value not in other.read_text() for value in personal)
    done = _diff(classic, other)
    assert done.code == 0, done.out
    assert NO_CHANGE.fullmatch(done.out.strip()), done.out


def _renamed(data: Any) -> Any:
    """A redesigned feed: recordKey called recordId, profileName a number where it was
    null, a record item type the flows do not know."""
    if isinstance(data, list):
        return [_renamed(item) for item in data]
    if not isinstance(data, dict):
        return data
    edited = {("recordId" if k == "recordKey" else k): _renamed(v) for k, v in data.items()}
    if "profileName" in edited and edited["profileName"] is None:
        edited["profileName"] = 0
    if edited.get("recordItemType") == "CUSTOMER_TRANSCRIPT":
        edited["recordItemType"] = "TRANSCRIPT"
    return edited


def test_a_feed_s_fields_types_and_record_types_and_a_page_gone(captures, tmp_path):
    changed = _doctored(
        captures["classic"], tmp_path / "changed.har", edit=_renamed, drop="/activity"
    )
    done = _diff(captures["classic"], changed)
    assert done.code == 1, done.out
    out = done.out
    voice = "feed POST /alexa-privacy/apd/rvh/customer-history-records-v2?pageType=VOICE_HISTORY"
    assert voice in out, out
    gone = next(
        line for line in out.splitlines() if "field gone: customerHistoryRecords[]." in line
    )
    assert "customerHistoryRecords[].recordKey: string" in gone and "delete.yaml:" in gone, gone
    assert "field new: customerHistoryRecords[].recordId: string" in out, out
    assert "type changed: customerHistoryRecords[].profileName: null|string -> " in out, out
    assert "  record types new: recordItemType: TRANSCRIPT  [" in out, out
    assert "note: record types not seen: recordItemType: CUSTOMER_TRANSCRIPT" in out, out
    assert "pages only in OLD:\n  /alexa-privacy/apd/activity" in out, out


def test_a_file_that_is_no_capture_is_one_line(captures, tmp_path):
    bad = tmp_path / "notes.har"
    bad.write_text("not a capture", encoding="utf-8")
    done = _diff(captures["classic"], bad)
    assert done.code == 2 and done.out == "", done.err
    lines = done.err.strip().splitlines()
    assert lines[-1].startswith(f"voicewipe: {bad}: not a voicewipe capture ("), done.err
    assert len(lines) == 1, done.err
