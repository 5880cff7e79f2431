"""--all-accounts: every account of the accounts file (`voicewipe accounts`), side by side in
one browser, a context each, a few at a time (--parallel).

Each account is a run of its own, as if the command had been given --account for it: its own
lock (a second run on that account is refused, the others go on), export folder, run folder
(named after it), log, journal and summary. One account's failure (a CAPTCHA, a changed page,
a refusal) ends that account's run only. Nobody is asked anything: several runs asking at one
terminal at once could not be told apart, so a destructive command needs --yes (without it,
each account's run is a rehearsal) and a sign-in that needs a person ends that account's run
with exit code 3. The command's exit code is the highest of the accounts' (0 when every one
ended well); --json prints a list, one summary per account.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from voicewipe.errors import ExitCode, UsageError, VoicewipeError

if TYPE_CHECKING:
    from playwright.async_api import Browser

    from voicewipe.alexa.accounts import Account
    from voicewipe.alexa.archive import Archive
    from voicewipe.alexa.job import AlexaJob
    from voicewipe.alexa.target import Target
    from voicewipe.runner.context import RunOptions

# What to do for one account: the command's body, made for its entry in the accounts file.
Body = Callable[["AlexaJob", "Archive"], Awaitable[object]]
BodyFor = Callable[["Account"], Body]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("several accounts")
    group.add_argument(
        "--all-accounts",
        action="store_true",
        help="run every account of the accounts file (`voicewipe accounts list`), side by side "
        "in one browser; with --mock and no accounts file, the mock's accounts",
    )
    group.add_argument(
        "--parallel",
        type=int,
        default=2,
        metavar="N",
        help="with --all-accounts: how many accounts run at once (default 2)",
    )


@dataclass
class Run:
    """One account's part."""

    entry: Account
    target: Target
    archive: Archive | None = None
    job: AlexaJob | None = None
    error: VoicewipeError | None = None


def _entries(args: argparse.Namespace) -> list[Account]:
    """The accounts to run: the file's; with --mock and an empty file, the mock's own."""
    from voicewipe.alexa import accounts

    if args.account:
        raise UsageError(
            "--all-accounts runs the accounts file's accounts: give it without --account"
        )
    if getattr(args, "replay", None):
        raise UsageError("--replay answers for one account: give it without --all-accounts")
    if not 1 <= args.parallel <= 16:
        raise UsageError(f"--parallel: {args.parallel} is not a number from 1 to 16")
    found = list(accounts.load().accounts)
    if not found and args.mock:
        from voicewipe.cli import mocksite
        from voicewipe.cli.alexa import mock_options

        market = args.marketplace
        emails = mocksite.account_emails(mock_options(args.mock_option))
        found = [accounts.Account(email=e, marketplace=market) for e in emails]
    if not found:
        raise UsageError(
            f"no accounts in {accounts.accounts_path()}: add them with `voicewipe accounts add "
            "EMAIL`"
        )
    return found


def execute_all(args: argparse.Namespace, name: str, body_for: BodyFor, *, yes: bool) -> int:
    """Run the command for every account; print each summary; the highest exit code."""
    from voicewipe.cli.alexa import _write_viewer

    viewers: dict[int, Any] = {}

    def after(runs: list[Run]) -> None:  # while the export folders are still locked
        viewers.update((id(r), _write_viewer(args, name, r.archive)) for r in runs if r.archive)

    runs = run_all(args, name, body_for, yes=yes, after=after)
    reports = [_report(name, run, viewers.get(id(run))) for run in runs]
    _print(args, reports)
    return max(int(report["exit_code"]) for report in reports)


def run_all(
    args: argparse.Namespace,
    name: str,
    body_for: BodyFor,
    *,
    yes: bool,
    after: Callable[[list[Run]], None] = lambda runs: None,
) -> list[Run]:
    """Every account's run, side by side; each with its job and its error (None: it ended
    well). `after`: called with them while their export folders are still locked."""
    from voicewipe import signals

    stop = signals.Stop()
    signals.before_the_run(stop)
    from voicewipe.alexa.lock import AccountBusy
    from voicewipe.alexa.target import open_targets
    from voicewipe.cli.alexa import _open_export, target_options
    from voicewipe.cli.run import check_browser_arguments, check_out_folder, run_options

    check_browser_arguments(args)
    entries = _entries(args)
    chosen = target_options(args)
    options = dataclasses.replace(run_options(args, yes=yes, stop=stop), interactive=False)
    runs: list[Run] = []
    with contextlib.ExitStack() as held:
        check_out_folder(args.out)
        for market in dict.fromkeys(e.marketplace for e in entries):
            group = [e for e in entries if e.marketplace == market]
            where = dataclasses.replace(chosen, marketplace=market)
            targets = held.enter_context(open_targets(where, [e.email for e in group]))
            runs += [Run(e, t) for e, t in zip(group, targets, strict=True)]
        for run in runs:
            try:
                run.archive = _open_export(held, args.out, run.target, name, None)
            except AccountBusy as busy:
                run.error = busy
        with contextlib.suppress(asyncio.CancelledError):  # each run said where it stopped
            signals.run(_side_by_side(runs, name, options, body_for, args.parallel), stop)
        after(runs)
    return runs


async def _side_by_side(
    runs: list[Run], name: str, options: RunOptions, body_for: BodyFor, parallel: int
) -> None:
    from playwright.async_api import async_playwright

    from voicewipe.runner.session import launch

    async with async_playwright() as playwright:
        browser = await launch(playwright, options)
        try:
            at_once = asyncio.Semaphore(parallel)
            ready = [run for run in runs if run.archive is not None]
            await asyncio.gather(*(_one(run, name, options, browser, body_for, at_once)
                                   for run in ready))  # fmt: skip
        finally:
            with contextlib.suppress(Exception):
                await browser.close()


async def _one(
    run: Run,
    name: str,
    options: RunOptions,
    browser: Browser,
    body_for: BodyFor,
    at_once: asyncio.Semaphore,
) -> None:
    from loguru import logger

    from voicewipe.alexa.accounts import unit_slug
    from voicewipe.alexa.job import AlexaJob
    from voicewipe.alexa.readback import read_back_pending
    from voicewipe.alexa.terminal import Terminal
    from voicewipe.runner.context import Consent
    from voicewipe.runner.runner import Rehearsal

    assert run.archive is not None
    account, archive = run.target.account, run.archive
    mine = dataclasses.replace(options, browser=browser, consent=Consent())
    async with at_once:
        with logger.contextualize(account=account):
            job = AlexaJob(name, run.target, mine, journal=archive.root, terminal=Terminal(),
                           tag=unit_slug(account, run.target.marketplace))  # fmt: skip
            run.job = job
            try:
                async with job:
                    await read_back_pending(job, archive)
                    await body_for(run.entry)(job, archive)
            except Rehearsal:
                pass
            except VoicewipeError as failed:
                run.error = failed
            except asyncio.CancelledError:
                if not options.stop.requested:
                    raise
            if options.stop.requested and job.job.result.error is not None:
                run.error = job.job.result.error


def _report(name: str, run: Run, viewer: Any) -> dict[str, Any]:
    from voicewipe.cli.alexa import _report as report_of

    error = run.error
    if run.job is None:  # refused before it began (its account was busy)
        return {
            "command": name,
            "outcome": "refused" if error else "not run",
            "exit_code": int(error.exit_code) if error else int(ExitCode.STEP_FAILED),
            "error": str(error) if error else "not run",
            "account": run.target.account,
            "marketplace": run.target.marketplace,
            "site": run.target.site,
        }
    report = report_of(name, run.job, run.target, error)
    return {**report, "viewer": str(viewer)} if viewer else report


def _print(args: argparse.Namespace, reports: list[dict[str, Any]]) -> None:
    from voicewipe import notify
    from voicewipe.alexa.summary import describe

    texts = [describe(r, color=False) if "run_folder" in r else _refused(r) for r in reports]
    failed = [r for r in reports if r["exit_code"]]
    tally = f"{len(reports)} accounts: {len(reports) - len(failed)} ended well" + "".join(
        f"; {r['account']} exit {r['exit_code']}" for r in failed
    )
    notify.tell_summary("\n\n".join([*texts, tally]))
    if args.json:
        print(json.dumps(reports, indent=2, ensure_ascii=False, default=str))
    else:
        color = sys.stdout.isatty()
        for report, text in zip(reports, texts, strict=True):
            print(describe(report, color=color) if "run_folder" in report else text)
            if report.get("viewer"):
                print(f"Browse the export: {report['viewer']}")
            print()
        print(tally)
    for report in failed:  # the one line each, as a single account's run ends with
        print(f"voicewipe: {report['account']}: {report['error']}", file=sys.stderr)


def _refused(report: dict[str, Any]) -> str:
    return f"voicewipe {report['command']}: {report['account']}: {report['error']}"
