"""`voicewipe doctor`: the first thing to run when something stops working, above all when
Amazon changes its pages. It checks the browser, the keyring, the stored credentials and saved
sign-in, validates every flow, and, against a site (--mock, --site, or an --account's real
marketplace), walks the privacy pages read-only through flows/alexa/doctor.yaml to confirm
that every element the flows need is still there. It prints a table: what is fine, what is
not, and what to do; exit code 0 when all is fine, 1 otherwise."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from voicewipe.cli.alexa import add_common_arguments
from voicewipe.errors import ExitCode, VoicewipeError

if TYPE_CHECKING:
    from voicewipe.alexa.job import AlexaJob


@dataclass
class Row:
    what: str
    ok: bool
    detail: str
    note: bool = False  # not fine, but nothing this run needs: said, not counted as failing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from voicewipe.cli import household

    add_common_arguments(parser, destructive=False)
    household.add_arguments(parser)


def _browser(args: argparse.Namespace) -> Row:
    from playwright.sync_api import sync_playwright

    from voicewipe.browser import find_browser

    try:
        with sync_playwright() as playwright:
            choice = find_browser(
                bundled=playwright.chromium.executable_path, explicit=args.browser_path
            )
    except VoicewipeError as error:
        return Row("browser", False, str(error))
    return Row("browser", True, f"{choice.executable} ({choice.source})")


def _keyring(args: argparse.Namespace) -> Row:
    from voicewipe import credentials

    try:
        return Row("keyring", True, credentials.backend_name())
    except VoicewipeError as error:
        if args.mock or args.site or args.replay:  # the mock's demo account needs no keyring
            detail = (
                "none available; the mock site needs none, a real account will "
                "(`voicewipe doctor --account EMAIL` says what to install)"
            )
            return Row("keyring", True, detail, note=True)
        return Row("keyring", False, str(error))


def _credentials(args: argparse.Namespace) -> list[Row]:
    from voicewipe import credentials
    from voicewipe.alexa import sessions

    if args.replay:
        return [Row("credentials", True, "none needed: the capture's pages are signed in")]
    if args.mock or args.site:
        return [Row("credentials", True, "the mock site's demo account")]
    if not args.account:
        accounts = ", ".join(sorted({s.account for s in credentials.stored()})) or "none"
        return [
            Row("credentials", True, f"accounts stored: {accounts} (give --account to check one)")
        ]
    try:
        password, totp = credentials.lookup(args.account, args.marketplace, ())
    except VoicewipeError as error:
        return [Row("credentials", False, str(error))]
    rows = [
        Row(
            "credentials",
            password is not None,
            f"password{' and authenticator key' if totp else ''} stored for {args.account}"
            if password
            else f"none stored for {args.account}: run voicewipe credentials set --account "
            f"{args.account}",
        )
    ]
    from voicewipe.alexa import sitefiles

    site = str(sitefiles.marketplace(sitefiles.flows_dir(args.flows), args.marketplace).site)
    saved = sessions.session_file(site.rstrip("/"), args.account).exists()
    rows.append(
        Row(
            "saved sign-in",
            True,
            "present (reused while Amazon accepts it)"
            if saved
            else "none yet: the next run signs in",
        )
    )
    return rows


def _flows(args: argparse.Namespace) -> Row:
    from voicewipe.alexa import sitefiles
    from voicewipe.cli.validate import checks

    try:
        root = sitefiles.flows_dir(args.flows)
    except VoicewipeError as error:
        return Row("flows", False, str(error))
    problems, count = [], 0
    for _path, check in checks(root):
        count += 1
        try:
            check()
        except VoicewipeError as error:
            problems.append(str(error))
    if problems:
        return Row("flows", False, "; ".join(problems))
    return Row("flows", True, f"{count} files in {root} are valid")


def _pages(args: argparse.Namespace) -> list[Row]:
    """Walk the pages with doctor.yaml; a row per element that is no longer there."""
    from voicewipe.alexa.job import AlexaJob
    from voicewipe.alexa.target import open_target
    from voicewipe.cli.alexa import replayed, target_options
    from voicewipe.cli.run import run_options

    chosen = target_options(args)
    options = replayed(run_options(args, yes=False, tracing="off"), chosen)
    try:
        with open_target(chosen) as target:
            job = AlexaJob("doctor", target, options)

            async def walk() -> None:
                async with job:
                    await job.flow("doctor")

            asyncio.run(walk())
    except VoicewipeError as error:
        return [Row("pages", False, str(error))]
    return _page_rows(job)


def _page_rows(job: AlexaJob, whose: str = "") -> list[Row]:
    """A row per element the walk did not find, or one saying all are there."""
    missing = [r for r in job.job.result.records if r.outcome == "optional-failed"]
    # The walk's own checks: how many rounds the sign-in before it took is not the pages' news.
    checked = [
        r for r in job.job.result.records if r.kind == "expect" and r.file.endswith("doctor.yaml")
    ]
    rows = [
        Row(
            f"{whose}{record.label}",
            False,
            f"{record.selector or 'element'} not found on {record.url} "
            f"({record.file}:{record.line}); the page changed: mend the flows (see README)",
        )
        for record in missing
    ]
    if not missing:
        rows.append(
            Row(f"{whose}pages", True, f"all {len(checked)} elements the flows need are there")
        )
    rows.append(Row(f"{whose}doctor's run folder", True, str(job.job.result.folder)))
    return rows


def _every_account(args: argparse.Namespace) -> list[Row]:
    """--all-accounts: each account's credentials and pages, the walks side by side."""
    from voicewipe.cli import household

    async def walk(job: AlexaJob, archive: object) -> None:
        await job.flow("doctor")

    rows: list[Row] = []
    for run in household.run_all(args, "doctor", lambda entry: walk, yes=False):
        whose = f"{run.target.account}: "
        one = argparse.Namespace(**{**vars(args), "account": run.target.account,
                                    "marketplace": run.target.marketplace})  # fmt: skip
        rows += [Row(whose + r.what, r.ok, r.detail, r.note) for r in _credentials(one)]
        if run.job is None or (run.error is not None and not run.job.job.result.records):
            rows.append(Row(f"{whose}pages", False, str(run.error)))
        else:
            rows += _page_rows(run.job, whose)
            if run.error is not None:
                rows.append(Row(f"{whose}pages", False, str(run.error)))
    return rows


def run(args: argparse.Namespace) -> int:
    rows = [_browser(args), _keyring(args), *_credentials(args), _flows(args)]
    if args.all_accounts:
        rows += _every_account(args)
    elif args.mock or args.site or args.account or args.replay:
        rows += _pages(args)
    if args.json:
        import json

        print(json.dumps([row.__dict__ for row in rows], indent=2))
    else:
        width = max(len(row.what) for row in rows)
        for row in rows:
            mark = "-- " if row.note else "ok " if row.ok else "NO "
            print(f"{mark} {row.what:<{width}}  {row.detail}")
    return ExitCode.OK if all(row.ok for row in rows) else ExitCode.STEP_FAILED
