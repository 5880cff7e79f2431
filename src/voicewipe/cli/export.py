"""`voicewipe export`: save the voice history (transcripts and audio) to disk, verified."""

from __future__ import annotations

import argparse
from datetime import date

from voicewipe.cli.alexa import add_common_arguments, execute, parse_date
from voicewipe.errors import UsageError

HISTORIES = ("voice", "sounds", "smart-home")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since", metavar="DATE", help="first day (YYYY-MM-DD); default: the start"
    )
    parser.add_argument("--until", metavar="DATE", help="last day (YYYY-MM-DD); default: today")
    parser.add_argument("--no-audio", action="store_true", help="transcripts only, no audio")
    parser.add_argument(
        "--what", choices=HISTORIES, default="voice", help="which history (default: voice)"
    )
    add_common_arguments(parser, destructive=False)


def period_of(args: argparse.Namespace) -> object:
    from voicewipe.alexa.operations import Period

    since = parse_date(args.since, "--since") if args.since else None
    until = parse_date(args.until, "--until") if args.until else None
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    if since and since > date.today():
        raise UsageError(f"--since {since} is in the future")
    return Period(since, until)


def run(args: argparse.Namespace) -> int:
    from voicewipe.alexa import operations

    period = period_of(args)
    assert isinstance(period, operations.Period)

    async def body(job: operations.AlexaJob, archive: operations.Archive) -> None:
        await operations.export(job, archive, period, history=args.what, audio=not args.no_audio)

    return execute(args, "export", body)
