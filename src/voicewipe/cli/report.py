"""`voicewipe report [RUN] [--open]`: where the latest (or a given) run's report.html is."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from voicewipe.errors import ExitCode, UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "run", nargs="?", type=Path, metavar="RUN", help="a run folder (default: the latest)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("recordings"), metavar="DIR", help="output folder"
    )
    parser.add_argument("--open", action="store_true", help="open it in the web browser")


_OUTCOMES = ("ok", "rehearsal", "failed", "interrupted")
# Read of an HTML file to find the mark every report carries (in its <head>).
_HEAD = 4096


def find_report(run: Path | None, out: Path) -> Path:
    if run is not None:
        return _given(run)
    runs = sorted(p for p in (out / "runs").glob("*") if (p / "report.html").is_file())
    if not runs:
        raise UsageError(f"no run with a report under {out / 'runs'}; run a command first")
    return runs[-1] / "report.html"


def _given(run: Path) -> Path:
    """The report of a run folder, its run.json or its report.html; anything else is refused,
    in one line: a folder or file that is not a run's."""
    if run.is_dir():
        folder = run
    elif run.is_file():
        folder = run.parent
        if run.suffix.lower() in (".html", ".htm") and not _ours(run):
            raise UsageError(
                f"{run}: not a voicewipe report (give a run folder or its report.html)"
            )
    else:
        raise UsageError(f"{run}: no such file or folder")
    _check_run_json(folder, run)
    report = folder / "report.html"
    if not report.is_file():
        raise UsageError(f"{run}: a run folder without its report.html (see run.json there)")
    return report


def _ours(html: Path) -> bool:
    """A report voicewipe wrote: its mark in the head, or a run.json of ours beside it."""
    from voicewipe.reporting.report import GENERATOR

    try:
        with html.open("rb") as file:
            head = file.read(_HEAD).decode("utf-8", "replace")
    except OSError:
        return False
    return f'name="generator" content="{GENERATOR}"' in head or _run_json(html.parent) is not None


def _run_json(folder: Path) -> dict[str, object] | None:
    """The folder's run.json when it is one of ours (what a run writes: voicewipe's version,
    an outcome, the steps), else None."""
    try:
        data = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ours = (
        isinstance(data, dict)
        and isinstance(data.get("voicewipe"), str)
        and data.get("outcome") in _OUTCOMES
        and isinstance(data.get("steps"), list)
    )
    return data if ours else None


def _check_run_json(folder: Path, given: Path) -> None:
    if not (folder / "run.json").is_file():
        raise UsageError(f"{given}: not a voicewipe run folder (no run.json in {folder})")
    if _run_json(folder) is None:
        raise UsageError(
            f"{given}: {folder / 'run.json'} is not a voicewipe run's (no version, outcome or "
            "steps of a run in it)"
        )


def run(args: argparse.Namespace) -> int:
    report = find_report(args.run, args.out).resolve()
    print(report)
    if args.open:
        import webbrowser

        if not webbrowser.open(report.as_uri()):
            raise UsageError(f"no web browser to open it with; open {report.as_uri()} yourself")
    return ExitCode.OK
