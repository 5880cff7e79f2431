"""More of `voicewipe capture --diff` (test_diff.py has the drift variant and the same variant
twice), on the captures in recordings/captures alone: --json, other personal values, a feed's
fields, types and record types, a page gone. Half a minute of diffs: in scripts/reliability."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_diff import NO_CHANGE, RECORDED, _diff

pytestmark = pytest.mark.reliability
REDESIGNED = RECORDED.with_name("mock-dom-2025.har")


@pytest.fixture
def captures() -> dict[str, Path]:
    return {"classic": RECORDED}


def test_json_is_one_object() -> None:
    done = _diff(RECORDED, REDESIGNED, "--json")
    assert done.code == 1
    said = json.loads(done.out)
    assert said["changed"] is True and said["old"]["file"] == str(RECORDED)
    rvh = said["pages"]["/alexa-privacy/apd/rvh"]
    button = next(c for c in rvh if c["what"].startswith("#delete-all-recordings-button"))
    assert button["kind"] == "gone" and button["counts"] is True
    assert any(ref.startswith("delete.yaml:") for ref in button["used"]), button


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
