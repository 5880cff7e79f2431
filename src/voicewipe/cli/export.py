"""`voicewipe export`: save the voice history (transcripts and audio) to disk, verified."""

from __future__ import annotations

import argparse
from datetime import date

from voicewipe.cli.alexa import add_common_arguments, choose, execute, parse_date, vocabulary
from voicewipe.errors import UsageError

# The help's word for the histories; what there is comes from vocabulary.yaml.
HISTORIES_HELP = (
    "which history: voice (default), sounds, smart-home, alexa-plus (vocabulary.yaml), or all "
    "(every history the account has)"
)
ALL = "all"


def histories_of(args: argparse.Namespace) -> list[str]:
    """The histories `--what` names: one of vocabulary.yaml's, or all of them."""
    known = list(vocabulary(args).histories)
    choose(args, "--what", args.what, [*known, ALL])
    return known if args.what == ALL else [args.what]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since", metavar="DATE", help="first day (YYYY-MM-DD); default: the start"
    )
    parser.add_argument("--until", metavar="DATE", help="last day (YYYY-MM-DD); default: today")
    parser.add_argument("--no-audio", action="store_true", help="transcripts only, no audio")
    parser.add_argument("--what", default="voice", metavar="HISTORY", help=HISTORIES_HELP)
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

    histories = histories_of(args)
    period = period_of(args)
    assert isinstance(period, operations.Period)

    async def body(job: operations.AlexaJob, archive: operations.Archive) -> None:
        await operations.export_each(job, archive, period, histories, audio=not args.no_audio)

    return execute(args, "export", body, yes=False)
