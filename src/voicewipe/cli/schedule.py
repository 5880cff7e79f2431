"""`voicewipe schedule`: the unattended wipe, every day or week, as a crontab line or a systemd
user timer and service; printed, or installed for the current user with --install. One job per
account (--account), one per scheduled account of the accounts file (--from-accounts), or one
that wipes every account of the file in turn (--all-accounts): each under names of its own
(cli/schedule_units.py), so that installing one never replaces another.

Run unattended, voicewipe needs what a login session gives it: a PATH that finds it and its
browser, and for the Secret Service keyring the user's D-Bus session bus. Both are written
into the schedule, so the keyring works outside a login session as long as it is unlocked
(a desktop login, or gnome-keyring unlocked at boot).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from voicewipe.cli.schedule_units import (
    ALL_ACCOUNTS,
    MARK,
    UNIT,
    Job,
    account_of,
    cron_line,
    parse_time,
    systemd_units,
    voicewipe,
)
from voicewipe.errors import ExitCode, UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    whom = parser.add_mutually_exclusive_group(required=True)
    whom.add_argument("--account", metavar="EMAIL", help="the Amazon account to wipe")
    whom.add_argument(
        "--from-accounts",
        action="store_true",
        help="one job per account of the accounts file that has a schedule, each at its own "
        "time (`voicewipe accounts add EMAIL --every daily`)",
    )
    whom.add_argument(
        "--all-accounts",
        action="store_true",
        help="one job that wipes every account of the accounts file (`wipe --all-accounts`)",
    )
    parser.add_argument("--every", choices=["daily", "weekly"], help="how often to run the wipe")
    parser.add_argument(
        "--at", default="03:30", metavar="HH:MM", help="time of day (default 03:30)"
    )
    parser.add_argument(
        "--keep",
        choices=["3-months", "18-months", "dont-save"],
        help="the auto-delete setting each run leaves (default 3-months)",
    )
    parser.add_argument(
        "--marketplace",
        metavar="M",
        help="with --account: amazon.com (default), amazon.co.uk, amazon.de or amazon.co.jp",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("recordings"), metavar="DIR", help="output folder"
    )
    parser.add_argument(
        "--format",
        choices=["systemd", "cron"],
        help="default: systemd where systemctl is found, else cron",
    )
    parser.add_argument(
        "--notify",
        action="append",
        default=[],
        dest="notify_urls",  # not `notify`: main() would send messages about this command
        metavar="URL",
        help="where each run says it started and how it ended (see `voicewipe wipe --help`; "
        "with --from-accounts, added to each account's own); with systemd, also an OnFailure "
        "unit for a run killed before it could say so",
    )
    parser.add_argument("--install", action="store_true", help="install it for the current user")


def _wipe(*words: str) -> tuple[str, ...]:
    return (*voicewipe(), "wipe", "--yes", "--json", *words)


def _notify_words(urls: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(option for url in urls for option in ("--notify", url))


def _one_account(args: argparse.Namespace) -> Job:
    from voicewipe.alexa.accounts import unit_slug

    marketplace = args.marketplace or "amazon.com"
    urls = tuple(args.notify_urls)
    out = args.out.resolve()
    command = _wipe(
        "--account", args.account, "--marketplace", marketplace,
        "--keep", args.keep or "3-months", "--out", str(out), *_notify_words(urls),
    )  # fmt: skip
    slug = unit_slug(args.account, marketplace)
    return Job(slug, args.account, args.every, args.at, command, urls, out,
               (args.account.lower(), marketplace))  # fmt: skip


def _all_accounts(args: argparse.Namespace) -> Job:
    urls = tuple(args.notify_urls)
    out = args.out.resolve()
    command = _wipe("--all-accounts", "--out", str(out), *_notify_words(urls))
    who = "every account in the accounts file"
    return Job(ALL_ACCOUNTS, who, args.every, args.at, command, urls, out)


def _wipe_takes_what() -> bool:
    from voicewipe.cli import wipe

    parser = argparse.ArgumentParser()
    wipe.add_arguments(parser)
    return any("--what" in action.option_strings for action in parser._actions)


def _from_accounts(args: argparse.Namespace) -> list[Job]:
    from voicewipe.alexa import accounts
    from voicewipe.cli.accounts import check

    path = accounts.accounts_path()
    jobs, out = [], args.out.resolve()
    for account in accounts.load(path).accounts:
        if account.schedule is None:
            continue
        check(account)
        what: tuple[str, ...] = ()
        if not account.every_history:
            if not _wipe_takes_what():
                raise UsageError(
                    f"{path}: {account.email} on {account.marketplace} wipes only "
                    f"{','.join(account.what)}, and `voicewipe wipe` wipes every history; "
                    "nothing was scheduled (give it `what: all`, or schedule `voicewipe delete`)"
                )
            what = ("--what", ",".join(account.what))
        urls = tuple(dict.fromkeys((*account.notify, *args.notify_urls)))
        command = _wipe(
            "--account", account.email, "--marketplace", account.marketplace,
            "--keep", account.keep, *what, "--out", str(out), *_notify_words(urls),
        )  # fmt: skip
        slug = accounts.unit_slug(account.email, account.marketplace)
        sched = account.schedule
        jobs.append(
            Job(slug, account.email, sched.every, sched.at, command, urls, out, account.key)
        )
    if not jobs:
        raise UsageError(
            f"no account in {path} has a schedule; give one with "
            "`voicewipe accounts add EMAIL --every daily --at 03:30`"
        )
    return jobs


def _jobs(args: argparse.Namespace) -> list[Job]:
    if args.from_accounts:
        given = [o for o, v in (("--every", args.every), ("--keep", args.keep),
                                ("--marketplace", args.marketplace)) if v]  # fmt: skip
        if given:
            raise UsageError(
                f"schedule: {given[0]} with --from-accounts: each account's is in the accounts "
                "file (`voicewipe accounts add EMAIL ...`)"
            )
        return _from_accounts(args)
    if not args.every:
        raise UsageError("schedule: give --every daily or weekly (see 'voicewipe schedule --help')")
    parse_time(args.at)
    if args.all_accounts:
        if args.keep or args.marketplace:
            raise UsageError(
                "schedule: --keep and --marketplace are each account's, in the accounts file, "
                "with --all-accounts"
            )
        return [_all_accounts(args)]
    return [_one_account(args)]


def _legacy_replaced(line: str, jobs: list[Job]) -> bool:
    """An earlier version's line (one for all, named by MARK alone): replaced when it wipes
    an account installed now, or one that cannot be told."""
    if not line.endswith(MARK):
        return False
    text = line.removesuffix(MARK).replace("\\%", "%")
    wiped = account_of(text)
    return wiped is None or any(j.account == wiped for j in jobs)


def _install_cron(lines: list[str], jobs: list[Job]) -> str:
    if shutil.which("crontab") is None:
        raise UsageError("no crontab command here; install cron, or use --format systemd")
    current = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
    marks = {job.mark for job in jobs}
    kept = [
        x
        for x in current.stdout.splitlines()
        if not any(x.endswith(m) for m in marks) and not _legacy_replaced(x, jobs)
    ]
    subprocess.run(["crontab", "-"], input="\n".join([*kept, *lines]) + "\n", text=True, check=True)
    return "installed in your crontab (replacing the earlier voicewipe line of each)"


def _systemctl(folder: Path, *step: str) -> None:
    done = subprocess.run(["systemctl", "--user", *step], capture_output=True, text=True)
    if done.returncode:
        raise UsageError(
            f"wrote {folder}, but `systemctl --user {' '.join(step)}` failed: "
            f"{done.stderr.strip() or done.returncode}"
        )


def _legacy_units(folder: Path, jobs: list[Job]) -> str | None:
    """The units an earlier version named alike for every account: removed when they wipe an
    account installed now (it would be wiped twice), else named for the person to decide."""
    service = folder / f"{UNIT}.service"
    if not service.is_file():
        return None
    starts = [x for x in service.read_text(encoding="utf-8").splitlines() if "ExecStart=" in x]
    text = starts[0].partition("=")[2].replace("$$", "$").replace("%%", "%") if starts else ""
    wiped = account_of(text)
    if wiped is None or not any(j.account == wiped for j in jobs):
        return (
            f"{UNIT}.timer (an earlier install, for another account) stays as it was; "
            f"`voicewipe schedule --account EMAIL --install` gives it names of its own"
        )
    subprocess.run(["systemctl", "--user", "disable", "--now", f"{UNIT}.timer"],
                   capture_output=True, text=True, check=False)  # fmt: skip
    for name in (f"{UNIT}.service", f"{UNIT}.timer", f"{UNIT}-failed.service"):
        (folder / name).unlink(missing_ok=True)
    return f"removed {UNIT}.timer, an earlier install for {wiped[0]}, which this replaces"


def _install_systemd(units: dict[str, str], jobs: list[Job]) -> str:
    folder = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "systemd" / "user"
    folder.mkdir(parents=True, exist_ok=True)
    legacy = _legacy_units(folder, jobs)
    for name, text in units.items():
        (folder / name).write_text(text, encoding="utf-8")
    _systemctl(folder, "daemon-reload")
    timers = [f"{job.unit}.timer" for job in jobs]
    _systemctl(folder, "enable", "--now", *timers)
    said = f"installed in {folder} and enabled {', '.join(timers)}"
    return f"{legacy}\n{said}" if legacy else said


def run(args: argparse.Namespace) -> int:
    jobs = _jobs(args)
    chosen = args.format or ("systemd" if shutil.which("systemctl") else "cron")
    if chosen == "cron":
        lines = [cron_line(job) for job in jobs]
        print("\n".join(lines))
        if args.install:
            print(_install_cron(lines, jobs), file=sys.stderr)
        return ExitCode.OK
    units = {name: text for job in jobs for name, text in systemd_units(job).items()}
    for name, text in units.items():
        print(f"# ~/.config/systemd/user/{name}\n{text}")
    if args.install:
        print(_install_systemd(units, jobs), file=sys.stderr)
    return ExitCode.OK
