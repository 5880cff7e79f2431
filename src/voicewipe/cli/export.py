"""`voicewipe export`: save the voice history (transcripts and audio) to disk, verified."""

from __future__ import annotations

import argparse
from datetime import date

from voicewipe.cli import household
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
    add_format_argument(parser)
    add_common_arguments(parser, destructive=False)
    household.add_arguments(parser)


# The extra formats, written beside the JSON lines (which are always written: they are what
# the export is verified by); "json" alone changes nothing.
FORMAT_CHOICES = ("json", "csv", "text")


def formats(text: str) -> list[str]:
    """`--format csv,text` -> ["csv", "text"] (json dropped: it is always written)."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMAT_CHOICES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"{text!r}: the formats are {', '.join(FORMAT_CHOICES)} (comma-separated)"
        )
    return [name for name in names if name != "json"]


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        type=formats,
        action="extend",
        default=[],
        metavar="FORMAT",
        help="also write csv (recordings.csv) and/or text (transcripts.txt) beside the JSON "
        "lines, which are always written; e.g. --format csv,text",
    )


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

    if args.all_accounts:  # the same export of every account
        return household.execute_all(args, "export", lambda entry: body, yes=False)
    return execute(args, "export", body, yes=False)
