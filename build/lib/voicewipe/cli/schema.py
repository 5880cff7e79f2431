"""`voicewipe schema`: print the flow language's JSON Schema."""

from __future__ import annotations

import argparse
import json

from voicewipe.errors import ExitCode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the JSON Schema of flow files. For completion in editors, save it and add "
        "`# yaml-language-server: $schema=<path>` at the top of a flow."
    )


def run(args: argparse.Namespace) -> int:
    from voicewipe.flow.schema import flow_schema

    print(json.dumps(flow_schema(), indent=2))
    return ExitCode.OK
