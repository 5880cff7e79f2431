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


def checks(path: Path) -> Iterator[tuple[Path, Callable[[], str]]]:
    """What to check for a path given: a flow file, a data file of an Alexa flows folder
    (marketplaces.yaml, languages/*.yaml), or a folder of them."""
    from voicewipe.alexa import sitefiles
    from voicewipe.flow.loader import load_flow

    def flow_check(file: Path) -> Callable[[], str]:
        def check() -> str:
            flow = load_flow(file)
            return f"ok ({flow.name}, {len(flow.steps)} steps)"

        return check

    def markets_check(root: Path) -> Callable[[], str]:
        def check() -> str:
            found = sitefiles.marketplaces(root)
            for market in found.values():
                sitefiles.language(root, market.language)
            return f"ok ({len(found)} marketplaces)"

        return check

    def language_check(root: Path, file: Path) -> Callable[[], str]:
        return lambda: f"ok (language {sitefiles.language(root, file.stem).language})"

    def is_flows_folder(folder: Path) -> bool:
        return (folder / "marketplaces.yaml").is_file()

    if path.is_dir():
        if is_flows_folder(path):
            yield path / "marketplaces.yaml", markets_check(path)
            for file in sorted((path / "languages").glob("*.yaml")):
                yield file, language_check(path, file)
        for file in sorted(path.glob("*.yaml")):
            if file.name != "marketplaces.yaml":
                yield file, flow_check(file)
    elif path.name == "marketplaces.yaml" and is_flows_folder(path.parent):
        yield path, markets_check(path.parent)
    elif path.parent.name == "languages" and is_flows_folder(path.parent.parent):
        yield path, language_check(path.parent.parent, path)
    else:
        yield path, flow_check(path)


def run(args: argparse.Namespace) -> int:
    failed = checked = 0
    for given in args.files:
        for path, check in checks(given):
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
