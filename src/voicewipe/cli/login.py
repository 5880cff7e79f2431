"""`voicewipe login`: sign in once (in a visible browser with --headed, CAPTCHA and all) and
keep the session for later headless runs."""

from __future__ import annotations

import argparse

from voicewipe.cli.alexa import add_common_arguments, execute


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser, destructive=False, replay=False)


def run(args: argparse.Namespace) -> int:
    from voicewipe.alexa import operations

    async def body(job: operations.AlexaJob, archive: operations.Archive) -> None:
        job.summary["login"] = {"signed_in_now": job.signed_in_now}

    return execute(args, "login", body, yes=False)
