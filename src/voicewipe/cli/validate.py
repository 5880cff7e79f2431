"""`voicewipe validate FILE|DIR...`: check flows without a browser. Exit 0 when all are valid.

A folder is checked whole: every flow in it and, in an Alexa flows folder (one with
marketplaces.yaml), the marketplaces and every language file too, and that each marketplace's
language file exists; what a person mending a flow for a changed page wants to know.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from voicewipe.errors import ExitCode, FlowError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE|DIR", help="flow files or flows folders"
    )


def _checks(path: Path) -> Iterator[tuple[Path, Callable[[], str]]]:
    from voicewipe.alexa import sitefiles
    from voicewipe.flow.loader import load_flow

    def flow_check(file: Path) -> Callable[[], str]:
        def check() -> str:
            flow = load_flow(file)
            return f"ok ({flow.name}, {len(flow.steps)} steps)"

        return check

    if not path.is_dir():
        yield path, flow_check(path)
        return
    if (path / "marketplaces.yaml").is_file():

        def markets() -> str:
            found = sitefiles.marketplaces(path)
            for market in found.values():
                sitefiles.language(path, market.language)
            return f"ok ({len(found)} marketplaces)"

        yield path / "marketplaces.yaml", markets

        def language_check(file: Path) -> Callable[[], str]:
            return lambda: f"ok (language {sitefiles.language(path, file.stem).language})"

        for file in sorted((path / "languages").glob("*.yaml")):
            yield file, language_check(file)
    for file in sorted(path.glob("*.yaml")):
        if file.name != "marketplaces.yaml":
            yield file, flow_check(file)


def run(args: argparse.Namespace) -> int:
    failed = checked = 0
    for given in args.files:
        for path, check in _checks(given):
            checked += 1
            try:
                said = check()
            except FlowError as error:
                failed += 1
                print(str(error), file=sys.stderr)
                continue
            print(f"{path}: {said}")
    if failed:
        print(f"{failed} of {checked} flow(s) invalid", file=sys.stderr)
        return ExitCode.INVALID
    return ExitCode.OK
