"""`voicewipe wipe`: export everything, verify it, delete everything, verify that nothing
remains, and set auto-delete."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING

from voicewipe.cli import household
from voicewipe.cli.alexa import add_common_arguments, choose, execute, vocabulary

if TYPE_CHECKING:
    from voicewipe.alexa.accounts import Account


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--keep",
        default="3-months",
        metavar="SETTING",
        help="the auto-delete setting to leave behind: 3-months (default), 18-months or "
        "dont-save (the settings of vocabulary.yaml that delete)",
    )
    parser.add_argument(
        "--what",
        default="all",
        metavar="HISTORY[,HISTORY]",
        help="the histories to wipe: all (default), or some of vocabulary.yaml's, "
        "comma-separated (voice,smart-home); with --all-accounts, all means each account's own",
    )
    add_common_arguments(parser)
    household.add_arguments(parser)


def _histories(args: argparse.Namespace) -> list[str] | None:
    """--what: None for every history, else the ones named (each one vocabulary.yaml has)."""
    if args.what == "all":
        return None
    known = list(vocabulary(args).histories)
    names = [name.strip() for name in args.what.split(",") if name.strip()]
    for name in names or [args.what]:
        choose(args, "--what", name, [*known, "all"])
    return names


def run(args: argparse.Namespace) -> int:
    from voicewipe.alexa import operations

    words = vocabulary(args).retention
    choose(args, "--keep", args.keep, [n for n, w in words.items() if w.keep_days is not None])
    histories = _histories(args)

    async def body(job: operations.AlexaJob, archive: operations.Archive) -> None:
        await operations.wipe(job, archive, keep=args.keep, histories=histories)

    if args.all_accounts:
        return household.execute_all(args, "wipe", _each(words, histories), yes=args.yes)
    return execute(args, "wipe", body, yes=args.yes)


def _each(words: Mapping[str, object], named: list[str] | None) -> household.BodyFor:
    """Each account's wipe, as its entry in the accounts file says: what (unless --what
    names histories for all), and what to keep."""
    from voicewipe.alexa import operations

    def body_for(entry: Account) -> household.Body:
        keep = entry.keep if entry.keep in words else "3-months"
        histories = named or (None if entry.every_history else list(entry.what))

        async def body(job: operations.AlexaJob, archive: operations.Archive) -> None:
            await operations.wipe(job, archive, keep=keep, histories=histories)

        return body

    return body_for
