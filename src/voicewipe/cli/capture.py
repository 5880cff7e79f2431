"""`voicewipe capture`: record what a person's Alexa privacy pages look like, with every
personal detail replaced, for the project to replay (`--replay FILE`) and compare
(`--diff OLD NEW`). Nobody on the project can reach Amazon's pages: a capture is how a
changed page reaches the people who mend the flows.

The walk is read-only (alexa/capture.py; destructive steps are always rehearsed); nothing is
written until the scrubber has replaced every personal value it knows of and found nothing it
cannot classify (capture/scrub.py); then the capture (HAR) and its sidecar (what kinds of
values were replaced, how many) are written side by side.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from voicewipe.cli.alexa import add_common_arguments
from voicewipe.errors import ExitCode, Interrupted, UsageError

if TYPE_CHECKING:
    from voicewipe.alexa.capture import Walk
    from voicewipe.alexa.target import TargetOptions
    from voicewipe.capture.har import Capture, Exchange
    from voicewipe.runner.context import RunOptions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="the capture to write (NAME.har); its sidecar NAME.sidecar.json goes beside it",
    )
    parser.add_argument(
        "--pages",
        type=int,
        default=2,
        metavar="N",
        help="how many pages of each history's feed to record (default 2; 0: every page)",
    )
    parser.add_argument(
        "--audio",
        type=int,
        default=2,
        metavar="N",
        help="how many recordings' audio to record per history with audio (default 2)",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="record everything the rehearsals of wipe, delete and auto-delete ask for (every "
        "page and audio file: for a small account), so that a replay of them finds every answer",
    )
    parser.add_argument(
        "--diff",
        nargs=2,
        type=Path,
        metavar=("OLD", "NEW"),
        help="say what changed between two captures in what the flows rely on, and record nothing",
    )
    parser.add_argument(
        "--runs",
        type=Path,
        default=Path("recordings"),
        metavar="DIR",
        help="where the walk's run folder goes (screenshots and log, personal: they show the "
        "pages as they were; default recordings)",
    )
    add_common_arguments(parser, destructive=False, replay=False, out=False)


def _checked(args: argparse.Namespace) -> Path:
    out: Path | None = args.out
    if out is None:
        raise UsageError("capture: --out FILE is needed: where the capture goes (my-alexa.har)")
    if out.suffix != ".har":
        raise UsageError(f"--out: {out} should end in .har (a capture is a HAR file)")
    if out.is_dir() or not out.parent.is_dir():
        raise UsageError(f"--out: {out.parent} is not a folder to write the capture in")
    for option in ("pages", "audio"):
        if getattr(args, option) < 0:
            raise UsageError(f"--{option}: {getattr(args, option)} is below 0")
    return out


def run(args: argparse.Namespace) -> int:
    if args.diff:
        from voicewipe.capture.diff import run_diff

        return run_diff(args.diff[0], args.diff[1], flows=args.flows, as_json=args.json)
    out = _checked(args)
    from voicewipe import signals

    stop = signals.Stop()
    signals.before_the_run(stop)
    from voicewipe.alexa.capture import Walk
    from voicewipe.cli.alexa import target_options
    from voicewipe.cli.run import check_browser_arguments, check_out_folder, run_options

    check_browser_arguments(args)
    check_out_folder(args.runs)
    options = dataclasses.replace(run_options(args, yes=False, stop=stop), out_dir=args.runs)
    walk = Walk(pages=args.pages, audio=args.audio, full=args.full)
    made = _record(args, target_options(args), options, walk)
    return _write(out, made, as_json=args.json)


@dataclasses.dataclass
class _Made:
    capture: Capture
    account: str
    secrets: list[str]  # the password and TOTP key: searched for, never written
    flows: Path


def _source(args: argparse.Namespace, mock: bool) -> str:
    if not mock:
        return "site"
    return " ".join(["mock", *args.mock_option]) if args.mock_option else "mock"


def _once(exchanges: list[Exchange]) -> list[Exchange]:
    """Each exchange once: a page's script and style, asked again on every page, answer the
    same (a replay answers a request asked again with the last of its kind)."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for e in exchanges:
        same = (e.method, e.url, e.request_body, e.status, e.body)
        if same not in seen:
            seen.add(same)
            kept.append(e)
    return kept


def _record(
    args: argparse.Namespace, chosen: TargetOptions, options: RunOptions, how: Walk
) -> _Made:
    """Sign in (or reuse the saved sign-in), then walk and record; in memory only."""
    import asyncio

    from voicewipe import signals
    from voicewipe.alexa.capture import walk
    from voicewipe.alexa.job import AlexaJob
    from voicewipe.alexa.target import open_target
    from voicewipe.capture.har import Capture, Meta, flows_digest
    from voicewipe.capture.recorder import Recorder

    recorder = Recorder()
    options = dataclasses.replace(options, wire=recorder)
    with open_target(chosen) as target:
        job = AlexaJob("capture", target, options)

        async def main() -> list[str]:
            async with job:
                return await walk(job, recorder, how)

        try:
            said = signals.run(main(), options.stop)
        except asyncio.CancelledError:
            raise Interrupted(
                f"capture: stopped by {options.stop.name}; nothing was written",
                exit_code=options.stop.exit_code,
            ) from None
        meta = Meta(
            origin=target.site,
            marketplace=target.marketplace,
            language=target.language,
            account=target.account,
            made=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            source=_source(args, target.mock),
            walk=said,
            flows=flows_digest(target.flows),
        )
        secrets = [s.reveal() for s in (target.password, target.totp_secret) if s]
    exchanges = _once(sorted(recorder.exchanges, key=lambda e: e.started))
    return _Made(Capture(meta, exchanges), target.account, secrets, target.flows)


def _write(out: Path, made: _Made, *, as_json: bool) -> int:
    """Scrub, then write the capture and its sidecar; nothing at all when the scrubber found
    something it could not classify (its one line says what and where, never the value)."""
    import json

    from voicewipe.capture import har
    from voicewipe.capture.rules import load_rules
    from voicewipe.capture.scrub import scrub
    from voicewipe.capture.sidecar import write_sidecar

    rules = load_rules(made.flows)
    clean, sidecar = scrub(made.capture, rules, account=made.account, secrets=made.secrets)
    clean.exchanges = _once(clean.exchanges)  # a page loaded again is the same page, scrubbed
    har.write(out, clean)
    beside = write_sidecar(out, sidecar)
    if as_json:
        print(json.dumps({"capture": str(out), "sidecar": str(beside), **sidecar.to_json()}))
        return ExitCode.OK
    pages = sum(e.source == "page" for e in clean.exchanges)
    size = out.stat().st_size / 1e6
    own = len(clean.exchanges) - pages
    print(f"Capture written: {out} ({pages} page requests, {own} of voicewipe's, {size:.1f} MB)")
    print(f"What was replaced, by kind and count (never the values): {beside}")
    for said in clean.meta.walk:
        print(f"  {said}")
    print("Read the sidecar, then see recordings/README.md for how to send it.", file=sys.stderr)
    return ExitCode.OK
