"""`voicewipe accounts add|list|remove`: the household's accounts file (alexa/accounts.py),
which `voicewipe schedule --from-accounts` and the commands' --all-accounts read."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from voicewipe.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from voicewipe.alexa.accounts import Account


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(
        dest="action", metavar="ACTION", parser_class=type(parser), help="add, list or remove"
    )
    put = sub.add_parser("add", help="add an account to the file, or replace it there")
    put.add_argument("email", metavar="EMAIL", help="the Amazon account (e-mail address)")
    put.add_argument(
        "--marketplace",
        default="amazon.com",
        metavar="M",
        help="amazon.com (default), amazon.co.uk, amazon.de or amazon.co.jp",
    )
    put.add_argument(
        "--what",
        default="all",
        metavar="HISTORY[,HISTORY...]",
        help="the histories to export and delete: voice, sounds, smart-home, alexa-plus, or "
        "all (default)",
    )
    put.add_argument(
        "--keep",
        default="3-months",
        metavar="SETTING",
        help="the auto-delete setting each wipe leaves: 3-months (default), 18-months or dont-save",
    )
    put.add_argument(
        "--every",
        choices=["daily", "weekly"],
        help="run its unattended wipe this often (`voicewipe schedule --from-accounts` installs "
        "it); without it, no schedule",
    )
    put.add_argument("--at", metavar="HH:MM", help="with --every: the time of day (default 03:30)")
    put.add_argument(
        "--notify",
        action="append",
        default=[],
        dest="notify_urls",  # not `notify`: main() would send messages about this command
        metavar="URL",
        help="where its runs say how they went (as often as you like; see `voicewipe notify`)",
    )
    listing = sub.add_parser("list", help="the accounts in the file, and where the file is")
    listing.add_argument("--json", action="store_true", help="print the accounts as JSON")
    drop = sub.add_parser("remove", help="remove an account from the file")
    drop.add_argument("email", metavar="EMAIL", help="the Amazon account (e-mail address)")
    drop.add_argument(
        "--marketplace", metavar="M", help="only on this marketplace (default: every one)"
    )


def check(account: Account) -> Account:
    """The account's marketplace, histories and setting are ones the flows folder knows (the
    model knows only their form)."""
    from voicewipe.alexa import sitefiles

    root = sitefiles.flows_dir(None)
    sitefiles.marketplace(root, account.marketplace)
    words = sitefiles.vocabulary(root)
    for name in account.what:
        if name != "all":
            sitefiles.chosen(root, "--what", name, words.histories)
    deleting = [n for n, w in words.retention.items() if w.keep_days is not None]
    sitefiles.chosen(root, "--keep", account.keep, deleting)
    return account


def _account(args: argparse.Namespace) -> Account:
    from pydantic import ValidationError

    from voicewipe.alexa import accounts
    from voicewipe.alexa.accounts import Account, Schedule

    if args.at and not args.every:
        raise UsageError("accounts add: --at needs --every daily or weekly")
    fields = {
        "email": args.email,
        "marketplace": args.marketplace,
        "what": tuple(w.strip() for w in args.what.split(",") if w.strip()),
        "keep": args.keep,
        "notify": tuple(args.notify_urls),
    }
    try:
        if args.every:
            fields["schedule"] = Schedule(every=args.every, at=args.at or "03:30")
        return Account.model_validate(fields)
    except ValidationError as invalid:
        detail = invalid.errors(include_url=False)[0]
        option = {"email": "EMAIL", "at": "--at"}.get(str(detail["loc"][-1]), "")
        option = option or f"--{detail['loc'][0]}"
        raise UsageError(f"accounts add: {option}: {accounts.said(detail)}") from None


def _add(args: argparse.Namespace) -> int:
    from voicewipe import notify
    from voicewipe.alexa import accounts

    account = check(_account(args))
    notify.Notifier(account.notify)  # a URL nobody can send to: say so now, not at night
    file = accounts.load()
    replaced = file.find(account.email, account.marketplace) is not None
    path = accounts.save(file.add(account))
    print(
        f"{'replaced' if replaced else 'added'} {account.email} on {account.marketplace} in {path}"
    )
    print(_credentials_line(account))
    return ExitCode.OK


def _credentials_line(account: Account) -> str:
    from voicewipe import credentials

    found = [
        s
        for s in credentials.stored()  # the index beside the keyring: asks the keyring nothing
        if s.account == account.email.lower() and s.marketplace in ("*", account.marketplace)
    ]
    if found:
        return f"credentials: stored for {account.email}"
    return (
        f"credentials: none stored for {account.email} yet; "
        f"run `voicewipe credentials set --account {account.email}`"
    )


def _row(account: Account) -> dict[str, object]:
    from voicewipe import notify

    schedule = account.schedule
    return {
        "email": account.email,
        "marketplace": account.marketplace,
        "what": list(account.what),
        "keep": account.keep,
        "schedule": {"every": schedule.every, "at": schedule.at} if schedule else None,
        # Never the whole URL: its path or user part can be the secret that lets one post.
        "notify": [notify.where(url) for url in account.notify],
    }


def _list(args: argparse.Namespace) -> int:
    from voicewipe.alexa import accounts

    path = accounts.accounts_path()
    rows = [_row(a) for a in accounts.load(path).accounts]
    if args.json:
        print(json.dumps({"file": str(path), "accounts": rows}, indent=2))
        return ExitCode.OK
    if not rows:
        print(f"no accounts in {path}; add one with: voicewipe accounts add EMAIL")
        return ExitCode.OK
    table = [("EMAIL", "MARKETPLACE", "WHAT", "KEEP", "SCHEDULE", "NOTIFY")]
    for row in rows:
        when = row["schedule"]
        table.append((
            str(row["email"]), str(row["marketplace"]), ",".join(row["what"]),  # type: ignore[arg-type]
            str(row["keep"]),
            f"{when['every']} {when['at']}" if isinstance(when, dict) else "-",
            ", ".join(row["notify"]) or "-",  # type: ignore[arg-type]
        ))  # fmt: skip
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for line in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
    print(f"file: {path}")
    return ExitCode.OK


def _remove(args: argparse.Namespace) -> int:
    from voicewipe.alexa import accounts

    file = accounts.load()
    kept = file.remove(args.email, args.marketplace)
    where = f" on {args.marketplace}" if args.marketplace else ""
    if len(kept.accounts) == len(file.accounts):
        raise UsageError(
            f"accounts remove: {args.email}{where} is not in {accounts.accounts_path()}"
        )
    gone = [a for a in file.accounts if a not in kept.accounts]
    path = accounts.save(kept)
    for account in gone:
        print(f"removed {account.email} on {account.marketplace} from {path}")
        if account.schedule:
            slug = accounts.unit_slug(account.email, account.marketplace)
            print(
                f"  if its schedule is installed, remove it: `systemctl --user disable --now "
                f"voicewipe-wipe-{slug}.timer`, or its line in `crontab -e`"
            )
    if not any(a.key[0] == args.email.lower() for a in kept.accounts):  # on no marketplace
        print(
            "its password stays in the keyring until "
            f"`voicewipe credentials forget --account {args.email}`"
        )
    return ExitCode.OK


def run(args: argparse.Namespace) -> int:
    if args.action == "add":
        return _add(args)
    if args.action == "list":
        return _list(args)
    if args.action == "remove":
        return _remove(args)
    raise UsageError("accounts: say what to do: add, list or remove")
