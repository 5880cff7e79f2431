"""`voicewipe report [RUN] [--open]`: where the latest (or a given) run's report.html is."""

from __future__ import annotations

import argparse
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


def find_report(run: Path | None, out: Path) -> Path:
    if run is not None:
        report = run / "report.html" if run.is_dir() else run
        if not report.is_file():
            raise UsageError(f"{run}: no report.html there (is it a run folder?)")
        return report
    runs = sorted(p for p in (out / "runs").glob("*") if (p / "report.html").is_file())
    if not runs:
        raise UsageError(f"no run with a report under {out / 'runs'}; run a command first")
    return runs[-1] / "report.html"


def run(args: argparse.Namespace) -> int:
    report = find_report(args.run, args.out).resolve()
    print(report)
    if args.open:
        import webbrowser

        if not webbrowser.open(report.as_uri()):
            raise UsageError(f"no web browser to open it with; open {report.as_uri()} yourself")
    return ExitCode.OK
