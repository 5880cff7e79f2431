"""`voicewipe run FLOW`: run a YAML flow, leaving screenshots, run.json and logs in a run folder."""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from voicewipe.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from voicewipe.flow.model import Flow
    from voicewipe.runner.context import RunOptions, Tracing
    from voicewipe.secret import Secret
    from voicewipe.signals import Stop


def add_browser_arguments(parser: argparse.ArgumentParser, *, out: bool = True) -> None:
    """The options every command that drives a browser takes (named as pytest-playwright does)."""
    parser.add_argument("--headed", action="store_true", help="show the browser window")
    parser.add_argument(
        "--slowmo", type=float, default=0, metavar="MS", help="slow each action down by MS"
    )
    parser.add_argument(
        "--tracing",
        choices=["on", "off", "retain-on-failure"],
        default="retain-on-failure",
        help="keep a Playwright trace (trace.zip): always, never, or when the run fails (default)",
    )
    parser.add_argument("--browser-path", metavar="PATH", help="drive this Chromium or Chrome")
    if out:  # voicewipe capture's --out is its file
        parser.add_argument(
            "--out", type=Path, default=Path("recordings"), metavar="DIR", help="output folder"
        )
    parser.add_argument(
        "--timeout", type=float, metavar="S", help="default step timeout, in seconds"
    )
    parser.add_argument("--no-screenshots", action="store_true", help="take no screenshots")
    parser.add_argument(
        "--notify",
        action="append",
        default=[],
        metavar="URL",
        help="send a message when the command starts and ends: an Apprise URL (ntfy://TOPIC, "
        "json://HOST/PATH, mailto://...) or an http(s) ping URL (Healthchecks); repeatable",
    )
    parser.add_argument(
        "--mask-personal",
        action="store_true",
        help="also hide the e-mail address and transcripts in screenshots",
    )


def check_browser_arguments(args: argparse.Namespace) -> None:
    """The numbers a browser run takes, checked before anything starts: NaN, infinity or a
    timeout past the browser's timers would only fail later, halfway, or end every wait at
    once (the same limit as a flow's durations)."""
    from voicewipe.flow.model import MAX_DURATION

    if not math.isfinite(args.slowmo):
        raise UsageError(f"--slowmo must be a number of milliseconds, not {args.slowmo}")
    if args.slowmo < 0:
        raise UsageError("--slowmo must be 0 or more")
    check_display(args.headed)
    if args.timeout is not None:
        if args.timeout <= 0:
            raise UsageError("--timeout must be more than 0 seconds")
        if not args.timeout <= MAX_DURATION:  # NaN too
            raise UsageError(
                f"--timeout must be at most {MAX_DURATION} seconds (a day), not {args.timeout:g}"
            )


def check_display(headed: bool) -> None:
    """A headed browser needs a display: without one (a server, ssh, cron) Chromium starts
    and dies at once, and all Playwright says is that the browser "has been closed"."""
    import os

    if not headed or not sys.platform.startswith("linux"):
        return
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    raise UsageError(
        "--headed needs a display, and neither DISPLAY nor WAYLAND_DISPLAY is set: run it "
        "in a desktop session, under Xvfb (`xvfb-run voicewipe ...`), or without --headed"
    )


def run_options(
    args: argparse.Namespace,
    *,
    yes: bool,
    tracing: Tracing | None = None,
    stop: Stop | None = None,
) -> RunOptions:
    """How a command's run behaves, from the browser options every command shares. `yes` is
    the command's own word: only a command given --yes ever acts on a destructive step (a
    person at the terminal may still consent there, see the consent step)."""
    from voicewipe.runner.context import RunOptions
    from voicewipe.signals import Stop

    return RunOptions(
        out_dir=args.out,
        yes=yes,
        headed=args.headed,
        slowmo_ms=args.slowmo,
        interactive=sys.stdin.isatty(),
        tracing=tracing or args.tracing,
        browser_path=args.browser_path,
        timeout=args.timeout,
        screenshots=not args.no_screenshots,
        mask_personal=args.mask_personal,
        stop=stop or Stop(),
    )


def check_out_folder(out: Path) -> None:
    """--out must be a folder we can write in: said in one line before a browser starts, not
    as a failure to save the first screenshot (a read-only disk, a file of that name)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file, not a folder; choose a folder with --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".voicewipe-", suffix=".tmp"):
            pass
    except OSError as error:
        raise UsageError(
            f"--out {out}: cannot write there ({error.strerror or error}); choose another "
            "folder with --out"
        ) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flow", type=Path, metavar="FLOW", help="the flow file")
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="give the flow an input"
    )
    parser.add_argument(
        "--yes", action="store_true", help="do destructive steps; without it the run is a rehearsal"
    )
    parser.add_argument(
        "--serve",
        type=Path,
        metavar="DIR",
        help="serve DIR on a loopback port and pass its address as base_url",
    )
    add_browser_arguments(parser)


def parse_vars(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--var takes NAME=VALUE, got {pair!r}")
        values[name.strip()] = value
    return values


def _secrets(flow: Flow, given: dict[str, object]) -> dict[str, Secret]:
    """Secret inputs never come from --var (it shows in `ps` and shell history): they come from
    a VOICEWIPE_SECRET_<NAME> variable, or are asked for without echo at a terminal."""
    import getpass
    import os

    from voicewipe.flow.inputs import secret_variable
    from voicewipe.secret import Secret

    found: dict[str, Secret] = {}
    for name, spec in flow.inputs.items():
        if spec.type != "secret" or name in given:
            continue
        value = os.environ.get(secret_variable(name))
        if value is None and sys.stdin.isatty():
            value = getpass.getpass(f"{spec.description or name}: ")
        if value:
            found[name] = Secret(name, value)
    return found


def run(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from voicewipe import signals

    stop = signals.Stop()
    signals.before_the_run(stop)  # first: noted from here on, whatever is being imported
    from voicewipe.flow.inputs import bind_inputs
    from voicewipe.flow.loader import load_flow
    from voicewipe.runner.run import run_flow
    from voicewipe.staticsite import StaticSite

    check_browser_arguments(args)
    flow = load_flow(args.flow)
    given: dict[str, object] = dict(parse_vars(args.var))
    with ExitStack() as stack:
        if args.serve is not None:
            if not args.serve.is_dir():
                raise UsageError(f"--serve: {args.serve} is not a folder")
            given.setdefault("base_url", stack.enter_context(StaticSite(args.serve)).url)
        given.update(_secrets(flow, given))
        inputs = bind_inputs(flow, given)
        options = run_options(args, yes=args.yes, stop=stop)
        check_out_folder(args.out)
        result = signals.run(run_flow(flow, inputs, options), options.stop)
    if result.error is not None:
        raise result.error
    return ExitCode.OK
