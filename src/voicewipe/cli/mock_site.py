"""`voicewipe mock-site`: serve the built-in mock Alexa site until Ctrl-C.

For rehearsing a flow by hand or pointing a flow at it from another terminal. The mock and
its server are imported in run() only, keeping `voicewipe --help` fast.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from voicewipe.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from voicewipe.mock import MockConfig

_LOCALES = ("en-US", "en-GB", "de-DE", "ja-JP")
_ACCOUNTS_HELP = (
    "accounts to serve side by side (demo@example.com, demo2@example.com, ...), each with its "
    "own history"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)"
    )
    parser.add_argument("--recordings", type=int, default=300, help="voice recordings to generate")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")
    parser.add_argument("--accounts", type=int, default=1, metavar="N", help=_ACCOUNTS_HELP)
    parser.add_argument("--locale", choices=_LOCALES, default="en-US", help="language of the pages")
    parser.add_argument(
        "--mfa", choices=("none", "totp", "approval"), default="none", help="second sign-in step"
    )
    parser.add_argument(
        "--captcha",
        default="never",
        metavar="never|once|always|every:N|puzzle",
        help="when sign-in asks for a CAPTCHA (puzzle: the AWS WAF puzzle page, solved by "
        "POST /__mock__/solve)",
    )
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every request")
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=0.0,
        help="requests/s above which the JSON and audio endpoints answer 429",
    )
    parser.add_argument(
        "--fail-rate", type=float, default=0.0, help="fraction of requests answered 503 (0 to 1)"
    )
    parser.add_argument(
        "--session-ttl",
        type=float,
        default=None,
        metavar="S",
        help="seconds until a session expires (default: 14 days)",
    )
    parser.add_argument(
        "--deletion-delay",
        type=float,
        default=2.0,
        metavar="S",
        help="seconds a bulk deletion takes",
    )
    parser.add_argument(
        "--drift",
        action="store_true",
        help="serve the 'redesigned' pages (renamed classes, reworded labels)",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any mock site option, as --mock-option takes it (e.g. csrf_ttl_s=60, dom=2025); "
        "repeatable, and it wins over the flags above",
    )


def options(args: argparse.Namespace) -> dict[str, Any]:
    """MockConfig keyword arguments from the command line; UsageError for bad values."""
    captcha, every = str(args.captcha), 3
    if captcha.startswith("every:"):
        count = captcha.split(":", 1)[1]
        if not count.isdigit() or int(count) < 1:
            raise UsageError(f"--captcha every:N needs a whole number N >= 1, not '{count}'")
        captcha, every = "every", int(count)
    elif captcha not in ("never", "once", "always", "puzzle"):
        raise UsageError(
            f"--captcha must be never, once, always, every:N or puzzle, not '{captcha}'"
        )
    checks = [
        (0 <= args.port <= 65535, "--port must be between 0 and 65535"),
        (0 <= args.recordings <= 1_000_000, "--recordings must be between 0 and 1000000"),
        (1 <= args.accounts <= 50, "--accounts must be between 1 and 50"),
        (args.latency_ms >= 0, "--latency-ms must not be negative"),
        (args.rate_limit >= 0, "--rate-limit must not be negative"),
        (0 <= args.fail_rate <= 1, "--fail-rate must be between 0 and 1"),
        (args.session_ttl is None or args.session_ttl > 0, "--session-ttl must be positive"),
        (args.deletion_delay >= 0, "--deletion-delay must not be negative"),
    ]
    for ok, message in checks:
        if not ok:
            raise UsageError(message)
    out: dict[str, Any] = {
        "port": args.port,
        "recordings": args.recordings,
        "accounts": args.accounts,
        "seed": args.seed,
        "locale": args.locale,
        "mfa": args.mfa,
        "captcha": captcha,
        "captcha_every": every,
        "latency_ms": args.latency_ms,
        "rate_limit": args.rate_limit,
        "fail_rate": args.fail_rate,
        "deletion_delay_s": args.deletion_delay,
        "drift": args.drift,
    }
    if args.session_ttl is not None:
        out["session_ttl_s"] = args.session_ttl
    return out


def config_of(args: argparse.Namespace) -> MockConfig:
    """The mock site's configuration: the flags, then every --option NAME=VALUE (the names and
    checks of MockConfig, as --mock-option takes them on the other commands)."""
    from voicewipe.cli.alexa import mock_options
    from voicewipe.mock import MockConfig

    try:
        config = MockConfig(**options(args))
    except ValueError as error:
        raise UsageError(f"mock-site: {error}") from None
    extra = mock_options(args.option, "--option")
    try:
        return config.replace(**extra)
    except (TypeError, ValueError) as error:
        raise UsageError(f"mock-site --option: {error}") from None


def run(args: argparse.Namespace) -> int:
    from voicewipe.mock import MockSite

    config = config_of(args)
    site = MockSite(config)
    try:
        site.start()
    except OSError as error:
        raise UsageError(
            f"mock-site: cannot listen on port {config.port}: {error.strerror}"
        ) from None
    print(f"Mock Alexa site running at {site.url}", flush=True)
    print(f"  start page:  {site.url}/alexa-privacy/apd/home")
    # Every account (with --accounts N) signs in with the same password and secret.
    for email in config.account_emails:
        print(f"  email:       {email}")
    print(f"  password:    {config.password}")
    print(f"  TOTP secret: {config.totp_secret}")
    print(f"  control:     {site.url}/__mock__/state")
    # The last line is printed inside the try: a Ctrl-C right after a reader saw it (a busy
    # machine may not run this thread in between) still stops the site the normal way.
    try:
        print("Serving until Ctrl-C.", flush=True)
        site.serve_forever()
    except KeyboardInterrupt:  # the normal way to stop it
        site.stop()
        print("Stopped.")
    return ExitCode.OK
