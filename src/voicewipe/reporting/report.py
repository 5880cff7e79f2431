"""report.html: the page a person opens after a run.

One self-contained file (it works offline, straight from disk, and still shows everything if
copied elsewhere): the command's summary, the problems first and in red, then every step in
order with its screenshot as a thumbnail that enlarges on click, its duration, outcome and the
flow file and line. Screenshots are embedded once each (a step that reused the previous
picture points at the same one), so a run of thousands of steps stays a few megabytes.

Everything shown comes from run.json's data, which is built from redacted values; the
template escapes all of it (autoescape), so a transcript cannot inject markup.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from voicewipe.fsutil import write_atomic

OUTCOME_WORDS = {
    "ok": "finished",
    "rehearsal": "rehearsal: stopped before the first destructive step, nothing changed",
    "failed": "failed",
    "interrupted": "interrupted",
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("voicewipe.reporting", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _images(folder: Path, steps: list[dict[str, Any]]) -> dict[str, str]:
    """Each distinct screenshot, by SHA-256, as a data: URI (embedded once)."""
    images: dict[str, str] = {}
    for step in steps:
        digest, name = step.get("screenshot_sha256"), step.get("screenshot")
        if not digest or not name or digest in images:
            continue
        path = folder / name
        if path.is_file():
            images[digest] = "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()
    return images


# Steps listed first, above the whole run: what failed, what a person had to put right, what
# went wrong but was optional, and where a rehearsal stopped.
_PROBLEMS = ("failed", "retried", "optional-failed", "rehearsed", "interrupted")


def render_report(folder: Path, data: dict[str, Any]) -> str:
    steps = list(data.get("steps", []))
    problems = [s for s in steps if s.get("outcome") in _PROBLEMS]
    return (
        _environment()
        .get_template("report.html")
        .render(
            run=data,
            folder=folder,
            steps=steps,
            problems=problems,
            images=_images(folder, steps),
            outcome_words=OUTCOME_WORDS,
            summary=data.get("summary") or {},
        )
    )


def write_report(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "report.html"
    write_atomic(path, render_report(folder, data).encode("utf-8"))
    return path
