"""The sidecar: what a scrubbed capture had replaced and dropped, and what it was checked for,
beside the capture file (a/b.har -> a/b.sidecar.json). Counts and names of kinds only, never a
value: what a maintainer receiving a stranger's capture reads before opening it, and what the
stranger reads to see what leaves their hands. Its shape is written down in
schemas/capture-sidecar.schema.json.

The capture file's name and SHA-256 tie the two together: the caller writes the HAR first
(har.write), then the sidecar (write_sidecar), which reads the bytes written.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from voicewipe import __version__
from voicewipe.capture.har import Exchange
from voicewipe.capture.rules import FILE, ScrubRules
from voicewipe.fsutil import write_atomic

FORMAT = 1
CHECKS = (
    "every JSON string, query parameter and form field classified by the rules",
    "no secret given to the scrubber (the password, the TOTP key) in any exchange: plain, "
    "lower case, grouped, URL-encoded, JSON-escaped, HTML-escaped, hex, or base64 (standard "
    "or URL-safe) at any of the three byte offsets",
    "the account's e-mail address in none of those forms",
    "no e-mail address but the fakes (@example.invalid) in the account's pages, JSON, "
    "addresses and headers",
    "no value the rules found left in the account's pages, JSON, addresses and headers, in "
    "any form; no long id or token of them in the site's own files",
    "no token-like value that no rule named in a page's attributes, a plain-text answer or "
    "an address, and no password field's value",
    "no cookie, and no header but those the rules keep",
)


@dataclass
class Sidecar:
    exchanges: int
    sources: dict[str, int]  # page / api -> how many
    replaced: dict[str, dict[str, int]]  # kind -> {values: distinct, occurrences: replaced}
    dropped: dict[str, Any]  # cookies, set_cookies, headers: {name: how many}
    audio: dict[str, int]  # silenced, format_lost, bytes
    site_files: int  # scripts, styles, fonts, images kept as they are
    rules: dict[str, Any]  # file (its name), sha256, as_shipped
    secrets_checked: int  # how many secrets were given to look for (never which)
    checks: list[str] = field(default_factory=lambda: list(CHECKS))
    capture: dict[str, Any] | None = None  # file, sha256, bytes: set by write_sidecar
    format: int = FORMAT
    version: str = __version__

    @classmethod
    def of(
        cls,
        kinds: Mapping[str, str],
        occurrences: Mapping[str, int],
        exchanges: Sequence[Exchange],
        rules: ScrubRules,
        tally: Any,
    ) -> Sidecar:
        """The sidecar of a scrub: kinds (value -> kind) counted, never the values kept."""
        distinct = Counter(kinds.values())
        names = sorted(set(distinct) | {k for k, n in occurrences.items() if n})
        return cls(
            exchanges=len(exchanges),
            sources=dict(sorted(Counter(e.source for e in exchanges).items())),
            replaced={
                k: {"values": distinct.get(k, 0), "occurrences": occurrences.get(k, 0)}
                for k in names
            },
            dropped={
                "cookies": tally.cookies["request"],
                "set_cookies": tally.cookies["set"],
                "headers": dict(sorted(tally.dropped.items())),
            },
            audio=dict(tally.audio),
            site_files=tally.site_files,
            rules=_rules(rules),
            secrets_checked=tally.secrets,
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _rules(rules: ScrubRules) -> dict[str, Any]:
    from voicewipe.alexa.sitefiles import PACKAGED

    try:
        shipped = hashlib.sha256((PACKAGED / FILE).read_bytes()).hexdigest()
    except OSError:
        shipped = ""
    # The file's name only: its folder may hold the person's user name.
    name = Path(rules.file).name if rules.file else FILE
    return {"file": name, "sha256": rules.digest, "as_shipped": rules.digest == shipped}


def sidecar_path(capture_path: Path) -> Path:
    return capture_path.with_name(capture_path.stem + ".sidecar.json")


def write_sidecar(capture_path: Path, sidecar: Sidecar) -> Path:
    """The sidecar beside the capture file already written; its path."""
    data = capture_path.read_bytes()
    sidecar.capture = {
        "file": capture_path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }
    path = sidecar_path(capture_path)
    text = json.dumps(sidecar.to_json(), indent=1, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))
    return path
