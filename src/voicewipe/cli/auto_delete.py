"""`voicewipe auto-delete`: how long Alexa keeps recordings, and the two switches."""

from __future__ import annotations

import argparse

from voicewipe.cli.alexa import add_common_arguments, choose, execute, vocabulary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "keep",
        metavar="SETTING",
        help="3-months or 18-months: delete older recordings; off: keep until I delete them; "
        "dont-save: save none (also deletes the existing ones)",
    )
    parser.add_argument(
        "--deletion-by-voice",
        choices=["on", "off"],
        help='whether "Alexa, delete what I just said" works (default: leave it as it is)',
    )
    parser.add_argument(
        "--improve-alexa", choices=["on", "off"], help="let Amazon use recordings to improve Alexa"
    )
    parser.add_argument(
        "--no-export",
        action="store_true",
        help="allow a setting that deletes recordings no verified export holds",
    )
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from voicewipe.alexa import operations

    options = vocabulary(args).option_words()  # the words it takes, and the setting of each
    keep = options[choose(args, "keep", args.keep, options)]

    async def body(job: operations.AlexaJob, archive: operations.Archive) -> None:
        await operations.auto_delete(
            job,
            archive,
            keep=keep,
            deletion_by_voice=args.deletion_by_voice,
            improve_alexa=args.improve_alexa,
            require_export=not args.no_export,
        )

    from voicewipe.alexa.archive import ReadBack

    # What a shorter setting deletes is older than its cutoff: at most every recording.
    every = ReadBack("voice", 0, operations.END_MS)
    return execute(
        args, "auto-delete", body, yes=args.yes, read_back=None if args.no_export else every
    )
