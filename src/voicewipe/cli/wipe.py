"""`voicewipe wipe`: export everything, verify it, delete everything, verify that nothing
remains, and set auto-delete."""

from __future__ import annotations

import argparse

from voicewipe.cli.alexa import add_common_arguments, choose, execute, vocabulary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--keep",
        default="3-months",
        metavar="SETTING",
        help="the auto-delete setting to leave behind: 3-months (default), 18-months or "
        "dont-save (the settings of vocabulary.yaml that delete)",
    )
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from voicewipe.alexa import operations

    words = vocabulary(args).retention
    choose(args, "--keep", args.keep, [n for n, w in words.items() if w.keep_days is not None])

    async def body(job: operations.AlexaJob, archive: operations.Archive) -> None:
        await operations.wipe(job, archive, keep=args.keep)

    return execute(args, "wipe", body, yes=args.yes)
