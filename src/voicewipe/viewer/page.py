"""index.html: the export as one page a person can browse, straight from disk.

One self-contained file, as the data archives of Twitter and Facebook ship one: it works from
file:// with no network (the CSS and the script inline, the data embedded, since a browser
refuses fetch() of a local file), and shows what the folder holds, nothing more.

The data is columns, not 100,000 objects with the same keys: the devices, speakers, histories
and times (few distinct values) in one string table that the columns point into, the texts
and times as arrays. It sits in a <script type="application/json"> element, which the
browser never runs, with every `<` written as \\u003c, so no transcript (`</script>...`) can
end it; the page's script puts text in with textContent only, and its Content-Security-Policy
lets only that script (by its hash) run and nothing load from anywhere but the folder.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import orjson

from voicewipe import __version__
from voicewipe.viewer.records import ExportFolder

VIEWER_FILE = "index.html"
_DATA = "{{data}}"
_SCRIPT = "{{script}}"
_SCRIPT_HASH = "{{script_hash}}"
_TITLE = "{{title}}"


@dataclass
class _Strings:
    """A string table: each distinct value once, the columns hold its index."""

    values: list[str] = field(default_factory=lambda: [""])
    index: dict[str, int] = field(default_factory=lambda: {"": 0})

    def of(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


def columns(folder: ExportFolder) -> dict[str, Any]:
    """What the page shows, as compact columns (oldest first, as on disk)."""
    strings = _Strings()
    records = folder.recordings
    cols = {
        "t": [r.timestamp_ms for r in records],
        "h": [strings.of(r.history) for r in records],
        "d": [strings.of(r.device) for r in records],
        "s": [strings.of(r.speaker) for r in records],
        "x": [r.transcript for r in records],
        "y": [r.reply for r in records],
        "a": [r.audio for r in records],
        "e": [strings.of(r.exported) for r in records],
        "z": [strings.of(r.deleted) for r in records],
    }
    return {
        "account": folder.account,
        "marketplace": folder.marketplace,
        "site": folder.site,
        "updated": folder.updated,
        "written": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "version": __version__,
        "histories": [
            {"name": h.name, "records": h.records, "manifest": h.manifest_records}
            for h in folder.histories
        ],
        "notes": folder.notes,
        "strings": strings.values,
        "cols": cols,
    }


def embedded_json(value: Any) -> bytes:
    """JSON that can sit inside a <script> element: no `<` in it, so no `</script>` or `<!--`
    in a transcript ends the element (JSON reads \\u003c as `<` again)."""
    data = orjson.dumps(value)
    return data.replace(b"<", b"\\u003c") if b"<" in data else data  # a copy only if need be


@cache
def _template() -> tuple[str, str]:
    """The page around the data, and the script (package data, read once)."""
    here = resources.files("voicewipe.viewer") / "templates"
    page = (here / "viewer.html").read_text(encoding="utf-8")
    script = (here / "viewer.js").read_text(encoding="utf-8")
    return page, script


def page_parts(folder: ExportFolder) -> list[bytes]:
    """index.html as a few pieces of bytes (the data one of them), in order."""
    page, script = _template()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    title = _html_text(f"Alexa history of {folder.account}")
    page = page.replace(_SCRIPT_HASH, f"sha256-{digest}").replace(_TITLE, title)
    before, _, rest = page.partition(_DATA)
    middle, _, after = rest.partition(_SCRIPT)
    return [
        before.encode(),
        embedded_json(columns(folder)),
        middle.encode(),
        script.encode(),
        after.encode(),
    ]


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
