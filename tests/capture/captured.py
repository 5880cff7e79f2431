"""What a capture holds, read straight from its HAR (not through voicewipe's reader): the
records each history's feed answered and the audio files it answered, for the replay tests
to check the commands' counts and the files on disk against."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings" / "captures"
# vocabulary.yaml's histories, by the pageType their feed is asked with (the Alexa+ one has a
# feed of its own)
PAGE_TYPES = {"VOICE_HISTORY": "voice", "DETECTED_SOUNDS": "sounds", "SMART_HOME": "smart-home"}


def captures() -> list[Path]:
    found = sorted(RECORDINGS.glob("*.har"))
    assert found, f"no captures in {RECORDINGS}: make them with scripts/captures"
    return found


def entries(path: Path) -> Iterator[dict[str, Any]]:
    yield from json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]


def _answer(entry: dict[str, Any]) -> Any:
    try:
        return json.loads(entry["response"]["content"].get("text") or "null")
    except ValueError:
        return None


def records(path: Path) -> dict[str, set[str]]:
    """Each history's records in the feed answers the capture holds (by key)."""
    found: dict[str, set[str]] = {}
    for entry in entries(path):
        url = urlsplit(entry["request"]["url"])
        answer = _answer(entry)
        if not isinstance(answer, dict) or entry["response"]["status"] != 200:
            continue
        if url.path.endswith("/customer-history-records-v2"):
            history = PAGE_TYPES[parse_qs(url.query)["pageType"][0]]
            keys = {r["recordKey"] for r in answer.get("customerHistoryRecords") or []}
        elif url.path.endswith("/alexa-history-records-v2"):
            history = "alexa-plus"
            items = answer.get("alexaHistoryRecords") or []
            keys = {json.dumps(r, sort_keys=True) for r in items}
        else:
            continue
        found.setdefault(history, set()).update(keys)
    return {history: keys for history, keys in found.items() if keys}


def audio_answers(path: Path) -> set[str]:
    """The utterance ids whose audio the capture answered with a file."""
    return {
        parse_qs(urlsplit(e["request"]["url"]).query)["uid"][0]
        for e in entries(path)
        if urlsplit(e["request"]["url"]).path.endswith("/audio") and e["response"]["status"] == 200
    }


def origin(path: Path) -> str:
    return str(json.loads(path.read_text(encoding="utf-8"))["log"]["_voicewipe"]["origin"])


def nothing_listens(address: str) -> bool:
    """No server answers at the capture's address: a replay that reached for the network
    would fail."""
    parts = urlsplit(address)
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((parts.hostname or "", parts.port or 443)) != 0
