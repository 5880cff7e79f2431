"""`voicewipe open [ACCOUNT_FOLDER]`: the latest (or a given) export's index.html, in the web
browser; written first when it is missing or older than the files it shows."""

from __future__ import annotations

import argparse
from pathlib import Path

from voicewipe.cli.export import add_format_argument
from voicewipe.errors import ExitCode, UsageError

MANIFEST = "manifest.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        metavar="ACCOUNT_FOLDER",
        help="an export's account folder (default: the latest export under --out)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("recordings"), metavar="DIR", help="output folder"
    )
    parser.add_argument("--account", metavar="EMAIL", help="the latest export of this account")
    add_format_argument(parser)
    parser.add_argument(
        "--no-browser", action="store_true", help="write and print its path, open nothing"
    )


def find_export(folder: Path | None, out: Path, account: str | None) -> Path:
    """The account folder asked for, or the one whose manifest was written last."""
    if folder is not None:
        if not (folder / MANIFEST).is_file():
            raise UsageError(f"{folder}: no export there (no {MANIFEST}; is it an account folder?)")
        return folder
    from voicewipe.alexa.archive_index import account_folder_name

    name = account_folder_name(account) if account else "*"
    found = [p.parent for p in out.glob(f"*/{name}/{MANIFEST}") if p.is_file()]
    if not found:
        whose = f" of {account}" if account else ""
        raise UsageError(f"no export{whose} under {out}; run `voicewipe export` first")
    return max(found, key=lambda p: (p / MANIFEST).stat().st_mtime_ns)


def run(args: argparse.Namespace) -> int:
    from voicewipe import viewer

    folder = find_export(args.folder, args.out, args.account)
    for written in viewer.write_formats(folder, args.format):
        print(written.resolve())
    page = folder / viewer.VIEWER_FILE
    if viewer.stale(folder):
        page = viewer.write_viewer(folder)
    page = page.resolve()
    print(page)
    if not args.no_browser:
        import webbrowser

        if not webbrowser.open(page.as_uri()):
            raise UsageError(f"no web browser to open it with; open {page.as_uri()} yourself")
    return ExitCode.OK
