"""`voicewipe wipe`: export everything, verify it, delete everything, verify that nothing
remains, and set auto-delete."""

from __future__ import annotations

import argparse

from voicewipe.cli.alexa import add_common_arguments, execute


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--keep",
        choices=["3-months", "18-months", "dont-save"],
        default="3-months",
        help="the auto-delete setting to leave behind (default: 3-months)",
    )
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from voicewipe.alexa import operations

    async def body(job: operations.AlexaJob, archive: operations.Archive) -> None:
        await operations.wipe(job, archive, keep=args.keep)

    return execute(args, "wipe", body)
