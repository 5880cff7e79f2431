"""report.html: the page a person opens after a run, as proof of what it did.

One self-contained file (it works offline, straight from disk): one sentence of what
happened (reporting.sentence), links to the export, its viewer, its manifest and the run
folder, then each phase (sign-in, export, check, delete, auto-delete) with what the summary
says of it and the screenshots the flows mark as its proof, the chart of what was deleted
per month and per device (from the deletion ledger), and last every step, grouped by phase
and flow, collapsed, the internal ones hidden unless asked. Each distinct picture is embedded
once; a step shows one only where the page changed.

Everything shown comes from run.json's data, which is built from redacted values; the
template escapes all of it (autoescape), so a transcript cannot inject markup.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from voicewipe.fsutil import write_atomic
from voicewipe.reporting import chart, facts, phases, sentence

# A mark in every report, so that `voicewipe report FILE` can tell one of ours.
GENERATOR = "voicewipe report"

OUTCOME_WORDS = MappingProxyType(
    {
        "ok": "Finished",
        "rehearsal": "Rehearsal: nothing was deleted or changed",
        "failed": "Failed",
        "interrupted": "Interrupted",
    }
)


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    exists: bool


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("voicewipe.reporting", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _images(folder: Path, steps: list[dict[str, Any]], wanted: set[str]) -> dict[str, str]:
    """Each picture the page shows, by SHA-256, as a data: URI (embedded once)."""
    images: dict[str, str] = {}
    for step in steps:
        digest, name = step.get("screenshot_sha256"), step.get("screenshot")
        if not digest or not name or digest in images or digest not in wanted:
            continue
        path = folder / name
        if path.is_file():
            images[digest] = "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()
    return images


def _links(folder: Path, summary: dict[str, Any]) -> list[Link]:
    """Relative links (they work wherever the output folder is opened from disk): the export
    viewer (written by another part of voicewipe; linked even before it exists), the
    manifest, the export folder and the run folder."""
    found = summary.get("export_folder") or (summary.get("export") or {}).get("folder")
    links = []
    if found:
        export = Path(str(found))
        for label, path in (
            ("the export, in its viewer", export / "index.html"),
            ("manifest.json", export / "manifest.json"),
            ("the deletion ledger", export / "deletions.jsonl"),
            ("the export folder", export),
        ):
            # The command writes the viewer once its run (and this report) is done: an export
            # with a manifest will have one when the person reads this.
            made = path.name == "index.html" and (export / "manifest.json").exists()
            links.append(Link(label, _relative(path, folder), path.exists() or made))
    links.append(Link("the run folder", "./", True))
    return links


def _relative(path: Path, start: Path) -> str:
    relative = os.path.relpath(path.resolve(), start.resolve())
    return Path(relative).as_posix() + ("/" if path.is_dir() else "")


def render_report(folder: Path, data: dict[str, Any]) -> str:
    steps = list(data.get("steps", []))
    summary = data.get("summary") or {}
    grouped = phases.build(data)
    wanted = {p.shot for phase in grouped for p in phase.proofs}
    every = [(phase.key, s) for phase in grouped for run in phase.runs for s in run.steps]
    wanted |= {s.shot for _, s in every if s.shot}
    problems = [s for _, s in every if s.outcome in phases.PROBLEMS]
    return (
        _environment()
        .get_template("report.html")
        .render(
            run=data,
            generator=GENERATOR,
            headline=sentence.headline(data, phases.phase_of(grouped)),
            phases=grouped,
            problems=problems,
            # The phases whose steps are shown open: where the run stopped.
            stopped_in={k for k, s in every if s.outcome in ("failed", "rehearsed", "interrupted")},
            said={p.key: facts.SAYS[p.key](summary) for p in grouped if p.key in facts.SAYS},
            chart=chart.chart(summary),
            links=_links(folder, summary),
            images=_images(folder, steps, wanted),
            outcome_words=OUTCOME_WORDS,
            summary=summary,
            folder=folder,
        )
    )


def write_report(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "report.html"
    write_atomic(path, render_report(folder, data).encode("utf-8"))
    return path
