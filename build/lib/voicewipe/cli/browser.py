"""`voicewipe browser`: show which browser will be driven, or say what to install."""

from __future__ import annotations

import argparse

from voicewipe.errors import ExitCode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--browser-path", help="use this Chromium or Chrome executable")
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing; exit 0 when a browser is found"
    )


def run(args: argparse.Namespace) -> int:
    from playwright.sync_api import sync_playwright

    from voicewipe.browser import find_browser

    with sync_playwright() as playwright:
        choice = find_browser(
            bundled=playwright.chromium.executable_path, explicit=args.browser_path
        )
    if not args.quiet:
        print(f"{choice.executable} (from {choice.source})")
    return ExitCode.OK
