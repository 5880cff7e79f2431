"""`voicewipe notify URL...`: send a message to the --notify URLs; to try them before a
night's run depends on them, and what the scheduled service's OnFailure unit runs when the
wipe ended without voicewipe saying so itself (killed, out of memory, timed out)."""

from __future__ import annotations

import argparse
import os

from voicewipe.errors import ExitCode, VoicewipeError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "urls", nargs="+", metavar="URL", help="where to send it (the URLs --notify takes)"
    )
    parser.add_argument(
        "--message",
        default="a test message: voicewipe can reach this address",
        metavar="TEXT",
        help="what to send (default: a test message)",
    )
    parser.add_argument(
        "--unit-failed",
        metavar="UNIT",
        help="say that this systemd unit failed (what the OnFailure unit of `voicewipe "
        "schedule --notify` runs; reads systemd's MONITOR_* variables)",
    )


def unit_failure(unit: str) -> VoicewipeError | None:
    """The failure to report for a unit that failed, or None when voicewipe itself ended the
    run with an exit code: it has sent its own message, with the reason."""
    result = os.environ.get("MONITOR_SERVICE_RESULT")
    if result == "exit-code":
        return None
    how = result or "an unknown cause"
    status = os.environ.get("MONITOR_EXIT_STATUS")
    failed = VoicewipeError(
        f"the unattended run {unit} ended by {how}"
        + (f" ({os.environ.get('MONITOR_EXIT_CODE', 'status')} {status})" if status else "")
        + f", before voicewipe could say why; see `journalctl --user -u {unit}`"
    )
    failed.exit_code = ExitCode.STEP_FAILED
    return failed


def run(args: argparse.Namespace) -> int:
    from voicewipe import notify
    from voicewipe.redact import redact

    notifier = notify.Notifier(args.urls)
    if args.unit_failed:
        failure = unit_failure(args.unit_failed)
        if failure is None:
            print(f"{args.unit_failed} ended with voicewipe's own exit code: it said why itself")
            return ExitCode.OK
        message = notify.compose("failure", "wipe", None, error=failure)
    else:
        message = notify.Message("success", "voicewipe", redact(args.message))
    failed = notifier.send(message)
    for url in args.urls:
        if notify.where(url) not in failed:
            print(f"sent to {notify.where(url)}")
    return ExitCode.STEP_FAILED if failed else ExitCode.OK
