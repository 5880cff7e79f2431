"""`voicewipe delete`: delete recordings through the page's own controls, after checking that
a verified export holds them, and verify afterwards that none remain."""

from __future__ import annotations

import argparse

from voicewipe.cli.alexa import add_common_arguments, execute
from voicewipe.cli.export import HISTORIES_HELP, histories_of, period_of
from voicewipe.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true", help="all history")
    parser.add_argument("--since", metavar="DATE", help="first day to delete (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="DATE", help="last day to delete (YYYY-MM-DD)")
    parser.add_argument("--device", metavar="NAME", help="only this device's recordings")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="only this household member's recordings (the page's profile filter)",
    )
    parser.add_argument("--what", default="voice", metavar="HISTORY", help=HISTORIES_HELP)
    parser.add_argument(
        "--no-export",
        action="store_true",
        help="delete even what no verified export holds (the recordings are lost for good)",
    )
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from voicewipe.alexa import operations

    histories = histories_of(args)
    if args.all == bool(args.since or args.until):
        raise UsageError("say what to delete: --all, or --since DATE --until DATE")
    if not args.all and not (args.since and args.until):
        raise UsageError("a range needs both --since DATE and --until DATE")
    if args.device is not None and not args.device.strip():
        # An empty name would filter nothing: the deletion would cover every device.
        raise UsageError("--device: give a device's name (or leave --device out for all)")
    if args.profile is not None and not args.profile.strip():
        raise UsageError("--profile: give a profile's name (or leave --profile out for all)")
    period = period_of(args)
    assert isinstance(period, operations.Period)

    async def body(job: operations.AlexaJob, archive: operations.Archive) -> None:
        await operations.delete_each(
            job,
            archive,
            period,
            histories,
            device=args.device,
            profile=args.profile,
            require_export=not args.no_export,
        )

    from voicewipe.alexa.archive import ReadBack

    span = ReadBack(histories[0], period.start_ms, period.end_ms or operations.END_MS)
    return execute(args, "delete", body, yes=args.yes, read_back=None if args.no_export else span)
