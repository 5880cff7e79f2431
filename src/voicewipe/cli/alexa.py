"""What the Alexa commands (export, delete, auto-delete, wipe, login) share: their common
options, running an operation in a signed-in job, and printing the summary."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import sys
from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicewipe.cli.run import (
    add_browser_arguments,
    check_browser_arguments,
    check_out_folder,
    run_options,
)
from voicewipe.errors import ExitCode, UsageError, VoicewipeError

if TYPE_CHECKING:
    from voicewipe.alexa.archive import Archive, ReadBack
    from voicewipe.alexa.job import AlexaJob
    from voicewipe.alexa.sitefiles import Vocabulary
    from voicewipe.alexa.target import Target, TargetOptions
    from voicewipe.alexa.terminal import Terminal
    from voicewipe.capture.replay import Replay
    from voicewipe.runner.context import RunOptions

Body = Callable[["AlexaJob", "Archive"], Awaitable[object]]


def add_common_arguments(
    parser: argparse.ArgumentParser,
    *,
    destructive: bool = True,
    replay: bool = True,
    out: bool = True,
) -> None:
    where = parser.add_argument_group("which account, and where")
    where.add_argument("--account", metavar="EMAIL", help="the Amazon account (e-mail address)")
    where.add_argument(
        "--marketplace",
        default="amazon.com",
        metavar="M",
        help="amazon.com (default), amazon.co.uk, amazon.de or amazon.co.jp",
    )
    where.add_argument(
        "--mock",
        action="store_true",
        help="start the built-in mock Alexa site (demo account) and run against it",
    )
    where.add_argument("--site", metavar="URL", help="run against an already running mock site")
    where.add_argument(
        "--mock-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="with --mock: a mock site option (recordings=50, mfa=totp, captcha=always, ...)",
    )
    if replay:
        where.add_argument(
            "--replay",
            type=Path,
            metavar="FILE",
            help="run against a capture (voicewipe capture) instead of a site, with no network; "
            "nothing is deleted or changed: destructive steps are always rehearsed",
        )
    where.add_argument(
        "--flows",
        type=Path,
        metavar="DIR",
        help="use the Alexa flows in DIR (a mended copy of the shipped ones; or VOICEWIPE_FLOWS)",
    )
    if destructive:
        parser.add_argument(
            "--yes",
            action="store_true",
            help="really delete or change; without it the run is a rehearsal that stops before "
            "the first click that would delete or change anything",
        )
    parser.add_argument(
        "--json", action="store_true", help="print one machine-readable summary on stdout"
    )
    add_browser_arguments(parser, out=out)


def vocabulary(args: argparse.Namespace) -> Vocabulary:
    """The Alexa vocabulary of the flows folder the command will use (its choices)."""
    from voicewipe.alexa import sitefiles

    return sitefiles.vocabulary(sitefiles.flows_dir(args.flows))


def choose(args: argparse.Namespace, option: str, value: str, known: Iterable[str]) -> str:
    from voicewipe.alexa import sitefiles

    return sitefiles.chosen(sitefiles.flows_dir(args.flows), option, value, known)


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a date like 2024-06-03") from None


def mock_options(pairs: list[str], flag: str = "--mock-option") -> dict[str, Any]:
    import yaml

    options: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{flag} takes NAME=VALUE, got {pair!r}")
        try:
            options[name.strip().replace("-", "_")] = yaml.safe_load(value)
        except (yaml.YAMLError, ValueError, RecursionError):  # `now=2024-13-40`: as text
            options[name.strip().replace("-", "_")] = value
    return options


def target_options(args: argparse.Namespace) -> TargetOptions:
    """Which site and account, from the options every Alexa command shares; --mock and
    --site plug the mock site in from here (cli/mocksite.py)."""
    from voicewipe.alexa.target import TargetOptions
    from voicewipe.cli import mocksite

    if args.mock_option and not args.mock:
        raise UsageError("--mock-option goes with --mock")
    replay = _replay(args)
    test_site = args.mock or args.site is not None
    return TargetOptions(
        replay=replay,
        account=args.account,
        marketplace=args.marketplace,
        site=args.site,
        flows=args.flows,
        start=mocksite.starter(mock_options(args.mock_option)) if args.mock else None,
        demo=mocksite.demo_account() if test_site else None,
    )


def _replay(args: argparse.Namespace) -> Replay | None:
    """--replay FILE, loaded (one line when it is no capture), with the flows folder's rules
    for matching requests; alone: a replay has no site and no account of its own."""
    path = getattr(args, "replay", None)
    if path is None:
        return None
    from voicewipe.alexa import sitefiles
    from voicewipe.capture.replay import open_replay

    others = [o for o, given in (("--mock", args.mock), ("--site", args.site)) if given]
    if others:
        raise UsageError(f"--replay runs against the capture: give it without {others[0]}")
    return open_replay(path, sitefiles.flows_dir(args.flows))


def replayed(options: RunOptions, target: TargetOptions) -> RunOptions:
    """A run against a capture: requests answered from it, no one asked to go ahead."""
    if target.replay is None:
        return options
    return dataclasses.replace(options, wire=target.replay, yes=False, interactive=False)


def execute(
    args: argparse.Namespace,
    name: str,
    body: Body,
    *,
    yes: bool,
    read_back: ReadBack | None = None,
) -> int:
    """Run `body` in a signed-in job against the chosen target; print the summary. `yes`:
    the command was given --yes (a command without it never acts on a destructive step).
    `read_back`: a history and range whose saved audio `body` will check, hashed from disk
    while the browser starts and signs in."""
    from voicewipe import signals

    stop = signals.Stop()
    signals.before_the_run(stop)  # first: noted from here on, whatever is being imported
    from voicewipe.alexa.job import AlexaJob
    from voicewipe.alexa.readback import read_back_pending
    from voicewipe.alexa.target import open_target
    from voicewipe.runner.runner import Rehearsal

    check_browser_arguments(args)
    chosen = target_options(args)
    options = replayed(run_options(args, yes=yes, stop=stop), chosen)
    error: VoicewipeError | None = None
    with contextlib.ExitStack() as held, open_target(chosen) as target:
        check_out_folder(args.out)
        archive = _open_export(held, args.out, target, name, read_back)
        terminal = _terminal()
        job = AlexaJob(name, target, options, journal=archive.root, terminal=terminal)

        async def main() -> None:
            try:
                async with job:
                    # What a stopped run deleted, read back before anything else is done.
                    await read_back_pending(job, archive)
                    await body(job, archive)
            except asyncio.CancelledError:
                if not options.stop.requested:
                    raise
                # A signal stopped it: the job has recorded where, and what it had sent.

        try:
            with terminal.showing():  # gone before the summary and any error line
                signals.run(main(), options.stop)
        except Rehearsal:
            pass
        except VoicewipeError as failed:
            error = failed
        if options.stop.requested and job.job.result.error is not None:
            error = job.job.result.error
        viewer = _write_viewer(args, name, archive)
    report = _report(name, job, target, error)
    _print_summary(args, {**report, "viewer": str(viewer)} if viewer else report)
    if viewer and not args.json:
        print(f"Browse the export: {viewer}")
    if error is not None:
        raise error
    return ExitCode.OK


def _terminal() -> Terminal:
    """The run's live display, when a person watches both stderr and stdout (`--json > file`
    or a pipe into a script means nobody does): plain lines otherwise."""
    from voicewipe.alexa.terminal import Terminal
    from voicewipe.logs import SCREEN

    return Terminal(SCREEN.console if sys.stdout.isatty() else None)


def _open_export(
    held: contextlib.ExitStack, out: Path, target: Target, name: str, read_back: ReadBack | None
) -> Archive:
    """The export folder, locked for this run (one run per account and per export folder: a
    second one is refused before it reads the export or opens a browser), and loading."""
    from voicewipe.alexa.archive import Archive
    from voicewipe.alexa.lock import account_lock, folder_lock

    folder = Archive.folder(out, target.place, target.account)
    held.enter_context(folder_lock(folder, name))
    held.enter_context(account_lock(target.site, target.account, name))
    with contextlib.suppress(OSError):  # an export an older voicewipe left readable
        folder.chmod(0o700)
    return Archive.open(
        out,
        marketplace=target.marketplace,
        account=target.account,
        site=target.site,
        kinds={name: words.audio for name, words in target.words.histories.items()},
        background=True,  # the record lines load while the browser starts
        read_back=read_back,
        place=target.place,
    )


def _write_viewer(args: argparse.Namespace, name: str, archive: Archive) -> Path | None:
    """The export's index.html (and the --format files), written last: after the run and its
    deletion ledger, while the folder is still locked."""
    if name == "login":
        return None
    from voicewipe.viewer import after_command

    return after_command(archive.root, getattr(args, "format", None) or ())


def _report(
    name: str, job: AlexaJob, target: Target, error: VoicewipeError | None
) -> dict[str, Any]:
    """The summary of the run: what --json prints, and what the lines are made from."""
    from voicewipe.alexa.summary import nothing_to_do

    result = job.job.result
    report = {
        "command": name,
        "outcome": result.outcome,
        "exit_code": int(error.exit_code) if error else 0,
        "error": str(error) if error else None,
        "account": target.account,
        "marketplace": target.marketplace,
        "site": target.site,
        "mock": target.mock,
        "replay": target.replay,
        "run_folder": str(result.folder),
        **result.summary,
    }
    report["nothing_to_do"] = nothing_to_do(report) if "export" in report else False
    return report


def _print_summary(args: argparse.Namespace, report: dict[str, Any]) -> None:
    from voicewipe import notify
    from voicewipe.alexa.summary import describe

    notify.tell_summary(describe(report, color=False))  # what --notify's last message says
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    else:
        print(describe(report, color=sys.stdout.isatty()))
