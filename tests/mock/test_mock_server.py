"""The server itself and the `voicewipe mock-site` command."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from voicewipe.cli import build_parser
from voicewipe.cli import mock_site as cli
from voicewipe.errors import UsageError
from voicewipe.mock import MockConfig, MockSite


def test_starts_fast_on_a_free_loopback_port_and_stops() -> None:
    began = time.monotonic()
    with MockSite(MockConfig(recordings=50)) as one, MockSite(MockConfig(recordings=50)) as two:
        assert time.monotonic() - began < 1.0
        assert one.url.startswith("http://127.0.0.1:") and one.port != two.port
        with urllib.request.urlopen(one.url + "/__mock__/config") as answer:
            assert answer.status == 200
        url = one.url
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/__mock__/config", timeout=2)


def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="locale must be one of en-US, en-GB, de-DE, ja-JP"):
        MockConfig(locale="fr-FR")
    with pytest.raises(ValueError, match="fail_rate must be between 0 and 1"):
        MockConfig(fail_rate=2)
    with pytest.raises(ValueError, match="unknown option"):
        MockConfig().replace(colour="red")


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["mock-site", *argv])


def test_the_captcha_flag_takes_the_puzzle() -> None:
    """--captcha puzzle, as --option captcha=puzzle: the AWS WAF puzzle page."""
    assert MockConfig(**cli.options(_args("--captcha", "puzzle"))).captcha == "puzzle"


def test_cli_options() -> None:
    options = cli.options(
        _args(
            "--recordings",
            "20",
            "--locale",
            "de-DE",
            "--mfa",
            "totp",
            "--captcha",
            "every:4",
            "--latency-ms",
            "50",
            "--rate-limit",
            "200",
            "--fail-rate",
            "0.1",
            "--session-ttl",
            "30",
            "--drift",
            "--seed",
            "9",
        )
    )
    config = MockConfig(**options)
    assert (config.recordings, config.locale, config.mfa, config.captcha, config.captcha_every) == (
        20,
        "de-DE",
        "totp",
        "every",
        4,
    )
    assert (config.latency_ms, config.rate_limit, config.fail_rate, config.session_ttl_s) == (
        50,
        200.0,
        0.1,
        30.0,
    )
    assert config.drift and config.seed == 9


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--captcha", "sometimes"],
            "--captcha must be never, once, always, every:N or puzzle, not 'sometimes'",
        ),
        (["--captcha", "every:0"], "--captcha every:N needs a whole number N >= 1, not '0'"),
        (["--fail-rate", "1.5"], "--fail-rate must be between 0 and 1"),
        (["--port", "70000"], "--port must be between 0 and 65535"),
        (["--recordings", "-1"], "--recordings must be between 0 and 1000000"),
        (["--session-ttl", "0"], "--session-ttl must be positive"),
    ],
)
def test_cli_bad_values(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError) as error:
        cli.options(_args(*argv))
    assert str(error.value) == message


def test_cli_serves_until_ctrl_c() -> None:
    command = [sys.executable, "-m", "voicewipe", "mock-site", "--recordings", "30"]
    env = {**os.environ, "PYTHONWARNINGS": "error"}

    # Ctrl-C as a person gives it, even where this suite runs with SIGINT ignored (a
    # background job inherits that, and Python then never raises KeyboardInterrupt).
    def interruptible() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    with subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env=env, preexec_fn=interruptible
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        assert first.startswith("Mock Alexa site running at http://127.0.0.1:")
        url = first.rsplit(" ", 1)[-1]
        lines = [process.stdout.readline().strip() for _ in range(6)]
        assert "email:       demo@example.com" in lines
        assert any(line.startswith("TOTP secret: ") for line in lines)
        with urllib.request.urlopen(url + "/__mock__/state") as answer:
            assert b'"recordings":30' in answer.read().replace(b" ", b"")
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Stopped." in out


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", 7])
def test_the_mock_is_never_served_beyond_this_machine(host):
    with pytest.raises(ValueError, match="host must be a loopback address"):
        MockConfig(host=host)


def test_cli_takes_any_mock_option() -> None:
    config = cli.config_of(
        _args(
            "--recordings",
            "20",
            "--option",
            "csrf_ttl_s=60",
            "--option",
            "dom=2025",
            "--option",
            "bulk-delete-wording=selected",
            "--option",
            "device_entity_ids=false",
            "--option",
            "recordings=25",
        )
    )
    assert (config.csrf_ttl_s, config.dom, config.bulk_delete_wording) == (60, "2025", "selected")
    assert config.device_entity_ids is False
    assert config.recordings == 25  # --option wins over the flag
    assert cli.config_of(_args()) == MockConfig(**cli.options(_args()))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--option", "dom"], "--option takes NAME=VALUE, got 'dom'"),
        (["--option", "dom=2030"], "mock-site --option: dom must be one of classic, 2025"),
        (["--option", "colour=red"], "mock-site --option: unknown option(s): colour"),
        (["--option", "csrf_ttl_s=-5"], "mock-site --option: csrf_ttl_s must be >= 0"),
        (["--option", "old_get=500"], "mock-site --option: old_get must be one of none, 404, 429"),
    ],
)
def test_cli_bad_mock_options_are_one_line(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError) as error:
        cli.config_of(_args(*argv))
    assert str(error.value) == message


def test_cli_bad_option_exits_2_with_one_line() -> None:
    from clirun import run_cli

    done = run_cli("mock-site", "--option", "publish_delay_s=lots")
    assert done.code == 2
    lines = done.err.strip().splitlines()
    assert lines[-1] == "voicewipe: mock-site --option: publish_delay_s must be a number"
    assert "Traceback" not in done.err
