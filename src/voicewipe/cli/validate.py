"""`voicewipe validate FILE|DIR...`: check flows without a browser. Exit 0 when all are valid.

A folder is checked whole: every flow in it and, in an Alexa flows folder (one with
marketplaces.yaml), the marketplaces, the vocabulary and every language file too, that each
marketplace's language file exists, and that the folder keeps the contracts between the
commands and the flows (alexa/contracts.py: the inputs they pass, the outputs they read, the
labels the flows use); what a person mending a flow for a changed page wants to know.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from voicewipe.errors import ExitCode, FlowError

# In an Alexa flows folder, and not flows: the marketplaces, the vocabulary, the scrub rules.
DATA_FILES = ("marketplaces.yaml", "vocabulary.yaml", "scrub.yaml")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE|DIR", help="flow files or flows folders"
    )


Check = Callable[[], str]  # one check: what to print when it passes; FlowError when not


def _flow_check(file: Path) -> Check:
    def check() -> str:
        from voicewipe.flow.loader import load_flow

        flow = load_flow(file)
        return f"ok ({flow.name}, {len(flow.steps)} steps)"

    return check


def _markets_check(root: Path) -> Check:
    def check() -> str:
        from voicewipe.alexa import sitefiles

        found = sitefiles.marketplaces(root)
        for market in found.values():
            sitefiles.language(root, market.language)
        return f"ok ({len(found)} marketplaces)"

    return check


def _language_check(root: Path, file: Path) -> Check:
    def check() -> str:
        from voicewipe.alexa import sitefiles

        return f"ok (language {sitefiles.language(root, file.stem).language})"

    return check


def _vocabulary_check(root: Path) -> Check:
    def check() -> str:
        from voicewipe.alexa import sitefiles

        words = sitefiles.vocabulary(root)
        return f"ok ({len(words.histories)} histories, {len(words.retention)} settings)"

    return check


def _scrub_check(root: Path) -> Check:
    def check() -> str:
        from voicewipe.capture.rules import load_rules

        rules = load_rules(root)
        return f"ok ({len(rules.json_rules.fields)} JSON fields, {len(rules.html)} page rules)"

    return check


def _contracts_check(root: Path) -> Check:
    def check() -> str:
        from voicewipe.alexa import contracts

        contracts.check_folder(root, every=True)
        return f"ok ({len(contracts.CONTRACTS)} flows keep what the commands need)"

    return check


def _is_flows_folder(folder: Path) -> bool:
    return (folder / "marketplaces.yaml").is_file()


def _folder_checks(path: Path) -> Iterator[tuple[Path, Check]]:
    flows_folder = _is_flows_folder(path)
    if flows_folder:
        yield path / "marketplaces.yaml", _markets_check(path)
        yield path / "vocabulary.yaml", _vocabulary_check(path)
        if (path / "scrub.yaml").is_file():  # a folder mended before captures has none
            yield path / "scrub.yaml", _scrub_check(path)
        for file in sorted((path / "languages").glob("*.yaml")):
            yield file, _language_check(path, file)
    for file in sorted(path.glob("*.yaml")):
        if file.name not in DATA_FILES:
            yield file, _flow_check(file)
    if flows_folder:
        yield path, _contracts_check(path)


def checks(path: Path) -> Iterator[tuple[Path, Check]]:
    """What to check for a path given: a flow file, a data file of an Alexa flows folder
    (marketplaces.yaml, vocabulary.yaml, scrub.yaml, languages/*.yaml), or a folder of them."""
    if path.is_dir():
        yield from _folder_checks(path)
    elif path.name == "marketplaces.yaml" and _is_flows_folder(path.parent):
        yield path, _markets_check(path.parent)
    elif path.name == "vocabulary.yaml" and _is_flows_folder(path.parent):
        yield path, _vocabulary_check(path.parent)
    elif path.name == "scrub.yaml" and _is_flows_folder(path.parent):
        yield path, _scrub_check(path.parent)
    elif path.parent.name == "languages" and _is_flows_folder(path.parent.parent):
        yield path, _language_check(path.parent.parent, path)
    else:
        yield path, _flow_check(path)


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
