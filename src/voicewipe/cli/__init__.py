"""The command line: `voicewipe SUBCOMMAND ...`.

main(argv) parses arguments and calls one plain function per subcommand, each in its own
module (cli/<name>.py with add_arguments() and run()), each returning an exit code. Expected
failures (VoicewipeError) become one line on stderr; anything else is a bug, logged with its
traceback to the log file.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import Protocol, cast

from voicewipe import __version__
from voicewipe.errors import ExitCode, VoicewipeError

# Subcommand name -> module under voicewipe.cli. Modules are imported only when their command
# runs (and for --help), which keeps `voicewipe --help` fast.
COMMANDS: dict[str, tuple[str, str]] = {
    "wipe": ("wipe", "export everything, delete everything, verify, and set auto-delete"),
    "export": ("export", "save the voice history (transcripts and audio), verified"),
    "delete": ("delete", "delete recordings that a verified export holds"),
    "auto-delete": ("auto_delete", "set how long Alexa keeps recordings"),
    "login": ("login", "sign in once and keep the session for later runs"),
    "doctor": ("doctor", "check the browser, keyring, credentials, flows and the site's pages"),
    "capture": (
        "capture",
        "record your privacy pages, personal details removed, to replay or send",
    ),
    "schedule": ("schedule", "run the unattended wipe daily or weekly (cron or systemd)"),
    "notify": ("notify", "send a test message to --notify URLs (or say a scheduled run failed)"),
    "report": ("report", "where the latest run's report.html is (--open to open it)"),
    "open": ("open", "browse the latest export (its index.html) in the web browser"),
    "credentials": ("credentials", "the Amazon password in the OS keyring: set, status, forget"),
    "accounts": ("accounts", "the household's accounts file: add, list, remove"),
    "run": ("run", "run a YAML flow"),
    "validate": ("validate", "check flow files without a browser"),
    "schema": ("schema", "print the JSON Schema of the flow language"),
    "browser": ("browser", "show which browser voicewipe will drive"),
    "mock-site": ("mock_site", "serve the built-in mock Alexa site until Ctrl-C"),
}


# The commands that say their phases on the terminal (alexa/terminal.py) rather than each
# step the engine runs; -v shows the steps for them too.
PHASED = frozenset({"wipe", "export", "delete", "auto-delete", "login", "doctor", "capture"})
_VERBOSE = "show every step and the debug lines on the terminal"


class Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...
    def run(self, args: argparse.Namespace) -> int: ...


def _load(module: str) -> Command:
    return cast(Command, import_module(f"voicewipe.cli.{module}"))


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors raised as UsageError (one line, exit 2) instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from voicewipe.errors import UsageError

        command = self.prog.removeprefix("voicewipe").strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="voicewipe",
        description="Export, bulk-delete and auto-delete your Alexa voice history.",
    )
    parser.add_argument("--version", action="version", version=f"voicewipe {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help=_VERBOSE)
    sub = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        parser_class=_Parser,
        help="what to do; `voicewipe COMMAND --help` lists its options",
    )
    for name, (module, summary) in COMMANDS.items():
        # Building each subparser needs its module; --help of the top level lists the summary
        # only, but argparse wants every subparser up front, so we import them here. Modules
        # keep heavy imports (playwright, pydantic) inside their run() for that reason.
        command = _load(module)
        p = sub.add_parser(name, help=summary, description=summary)
        # `voicewipe wipe -v` as well as `voicewipe -v wipe`; SUPPRESS, so that a subcommand
        # without it leaves the top level's as it was.
        p.add_argument(
            "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=_VERBOSE
        )
        command.add_arguments(p)
        p.set_defaults(_run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from loguru import logger

    from voicewipe import notify
    from voicewipe.logs import setup_terminal_logging
    from voicewipe.signals import from_the_start

    logger.remove()  # no sink until we know how verbose to be
    # Everything voicewipe writes is personal (the export, screenshots of transcripts, logs,
    # saved sign-ins): readable by its owner only, from the first byte, the browser's files
    # included (its processes inherit this).
    os.umask(0o077)
    args: argparse.Namespace | None = None
    try:
        from_the_start()
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return ExitCode.INVALID
        setup_terminal_logging(verbose=args.verbose, steps=args.command not in PHASED)
        run = cast(Callable[[argparse.Namespace], int], args._run)
        with notify.around(getattr(args, "notify", []), args.command, _account(args)) as done:
            done.code = run(args)
        return done.code
    except VoicewipeError as error:
        # One line, whatever a page's text put into the message.
        print("voicewipe: " + " ".join(str(error).split("\n")), file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # The reader went away (`voicewipe schema | head`): not an error of ours.
        sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 - keeps interpreter exit quiet
        return ExitCode.OK
    except KeyboardInterrupt as stopped:  # a signal before a run began, or after it ended
        from voicewipe.signals import Ended

        if isinstance(stopped, Ended):
            print(f"voicewipe: interrupted by {stopped.words}", file=sys.stderr)
            return stopped.code
        print("voicewipe: interrupted by Ctrl-C (SIGINT)", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except OSError as error:
        if error.errno not in _STORAGE_ERRORS:
            return _bug(error)
        # The disk filled up, or turned read-only, under a run: not a bug. (Nothing was
        # deleted that a verified export does not hold: the export could not be written.)
        out = getattr(args, "out", None)  # a write that names no file: its folder, at least
        where = error.filename or (f"in {out}" if out else "the run's files")
        print(
            f"voicewipe: cannot write {where}: {error.strerror}; free some space or choose "
            "another folder with --out, then run the command again",
            file=sys.stderr,
        )
        return ExitCode.INVALID
    except Exception as error:
        return _bug(error)


def _account(args: argparse.Namespace) -> str | None:
    """The account a command runs for, as its messages name it."""
    if getattr(args, "mock", False) or getattr(args, "site", None):
        return getattr(args, "account", None) or "the mock site's demo account"
    return getattr(args, "account", None)


# What a disk that is full or read-only raises while a run writes its files.
_STORAGE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def _bug(error: Exception) -> int:
    from voicewipe.logs import log_bug

    where = log_bug(error)
    print(
        f"voicewipe: internal error: {type(error).__name__}: {error} "
        f"(a bug; the traceback is in {where})",
        file=sys.stderr,
    )
    return ExitCode.STEP_FAILED


def console_main() -> None:
    sys.exit(main())


__all__ = ["COMMANDS", "build_parser", "main"]
