"""`voicewipe credentials set|status|forget`: the Amazon password and TOTP key in the OS
keyring."""

from __future__ import annotations

import argparse
import getpass
import sys

from voicewipe.errors import ExitCode, UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(
        dest="action",
        metavar="ACTION",
        parser_class=type(parser),
        help="set, status or forget",
    )
    put = sub.add_parser("set", help="store the password (and a TOTP key) for an account")
    put.add_argument(
        "--account", required=True, metavar="EMAIL", help="the Amazon account (e-mail address)"
    )
    put.add_argument(
        "--marketplace", metavar="M", help="only for this marketplace (default: all of them)"
    )
    put.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input, and an authenticator "
        "key from the second if there is one (for scripted set-up)",
    )
    put.add_argument("--no-totp", action="store_true", help="do not ask for an authenticator key")
    sub.add_parser("status", help="the accounts stored (never their secrets) and the keyring")
    forget = sub.add_parser("forget", help="remove an account's credentials and saved sign-ins")
    forget.add_argument(
        "--account", required=True, metavar="EMAIL", help="the Amazon account (e-mail address)"
    )


def _set(args: argparse.Namespace) -> int:
    from voicewipe import credentials
    from voicewipe.alexa import sitefiles

    if args.marketplace:
        sitefiles.marketplace(sitefiles.flows_dir(), args.marketplace)  # a known one
    credentials.backend()  # say so before asking anything
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        totp = "" if args.no_totp else sys.stdin.readline().strip()
    else:
        if not sys.stdin.isatty():
            raise UsageError("no terminal to ask the password at: give --password-stdin")
        password = getpass.getpass(f"Amazon password for {args.account}: ")
        totp = (
            ""
            if args.no_totp
            else getpass.getpass(
                "Authenticator key for one-time codes (the text an app is set up with; "
                "Enter for none): "
            )
        )
    if not password:
        raise UsageError("the password is empty; nothing was stored")
    totp = totp.replace(" ", "").upper()
    if totp:
        import base64
        import binascii

        try:
            base64.b32decode(totp + "=" * (-len(totp) % 8))
        except (binascii.Error, ValueError):
            raise UsageError(
                "that authenticator key is not base32 text; nothing was stored"
            ) from None
    credentials.store(args.account, args.marketplace, password, totp or None)
    where = args.marketplace or "every marketplace"
    extra = " and the authenticator key" if totp else ""
    print(
        f"stored the password{extra} for {args.account} ({where}) in {credentials.backend_name()}"
    )
    return ExitCode.OK


def _status() -> int:
    from voicewipe import credentials

    print(f"keyring: {credentials.backend_name()}")
    found = credentials.stored()
    if not found:
        print("no accounts stored; add one with: voicewipe credentials set --account EMAIL")
    for entry in found:
        where = "every marketplace" if entry.marketplace == "*" else entry.marketplace
        print(f"{entry.account}: {where}, password{' and authenticator key' if entry.totp else ''}")
    return ExitCode.OK


def _forget(args: argparse.Namespace) -> int:
    from voicewipe import credentials

    removed = credentials.forget(args.account)
    print(f"removed {removed} entries for {args.account} (credentials and saved sign-ins)")
    return ExitCode.OK


def run(args: argparse.Namespace) -> int:
    if args.action == "set":
        return _set(args)
    if args.action == "status":
        return _status()
    if args.action == "forget":
        return _forget(args)
    raise UsageError("credentials: say what to do: set, status or forget")
