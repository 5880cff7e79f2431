"""`voicewipe validate FILE...`: check flows without a browser. Exit 0 when all are valid."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from voicewipe.errors import ExitCode, FlowError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="flow files to check")


def run(args: argparse.Namespace) -> int:
    from voicewipe.flow.loader import load_flow

    failed = 0
    for path in args.files:
        try:
            flow = load_flow(path)
        except FlowError as error:
            failed += 1
            print(str(error), file=sys.stderr)
            continue
        print(f"{flow.file}: ok ({flow.name}, {len(flow.steps)} steps)")
    if failed:
        print(f"{failed} of {len(args.files)} flow(s) invalid", file=sys.stderr)
        return ExitCode.INVALID
    return ExitCode.OK
