"""`voicewipe schedule`: the crontab line and the systemd units for the unattended wipe, their
content, systemd's own check of the units, and --install (with stand-in crontab and systemctl
commands, so that the test never touches the real ones)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from clirun import run_cli

pytestmark = pytest.mark.unit

BASE = ["schedule", "--account", "a@example.com", "--marketplace", "amazon.de"]


def test_cron_line_runs_the_unattended_wipe_with_a_session_bus(tmp_path):
    done = run_cli(*BASE, "--every", "weekly", "--at", "4:05", "--keep", "18-months",
                   "--format", "cron", "--out", str(tmp_path / "rec"))  # fmt: skip
    assert done.code == 0, done.err
    line = done.out.strip()
    assert line.startswith("5 4 * * 1 PATH=")
    uid = os.getuid()
    assert f"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{uid}/bus" in line
    assert f"XDG_RUNTIME_DIR=/run/user/{uid}" in line
    assert (
        " wipe --yes --json --account a@example.com --marketplace amazon.de --keep 18-months"
        in line
    )
    assert f"--out {tmp_path / 'rec'} >> {tmp_path / 'rec' / 'cron.log'} 2>&1" in line
    executable = line.split(" wipe ")[0].split()[-1]
    assert Path(executable).is_absolute() and os.access(executable, os.X_OK)


def _units(tmp_path: Path, *args: str) -> dict[str, str]:
    done = run_cli(*BASE, *args, "--format", "systemd", "--out", str(tmp_path / "rec"))
    assert done.code == 0, done.err
    units: dict[str, str] = {}
    for block in done.out.split("# ~/.config/systemd/user/")[1:]:
        name, _, text = block.partition("\n")
        units[name] = text.strip() + "\n"
    return units


def test_systemd_units_for_a_daily_wipe(tmp_path):
    units = _units(tmp_path, "--every", "daily", "--at", "03:30")
    assert set(units) == {"voicewipe-wipe.service", "voicewipe-wipe.timer"}
    service, timer = units["voicewipe-wipe.service"], units["voicewipe-wipe.timer"]
    assert "Type=oneshot" in service
    assert f"Environment=DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{os.getuid()}/bus" in service
    assert " wipe --yes --json --account a@example.com" in service
    assert "OnCalendar=*-*-* 03:30:00" in timer and "Persistent=true" in timer
    assert "WantedBy=timers.target" in timer
    weekly = _units(tmp_path, "--every", "weekly", "--at", "23:59")["voicewipe-wipe.timer"]
    assert "OnCalendar=Mon *-*-* 23:59:00" in weekly


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_itself_accepts_the_units(tmp_path):
    for name, text in _units(tmp_path, "--every", "weekly").items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "voicewipe-wipe.service"),
         str(tmp_path / "voicewipe-wipe.timer")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("at", ["25:00", "3", "noon", "03:60"])
def test_a_bad_time_is_a_usage_error(at):
    done = run_cli(*BASE, "--every", "daily", "--at", at)
    assert done.code == 2
    assert f"--at: {at!r} is not a time like 03:30" in done.err


def _stand_in(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)


def test_install_replaces_an_earlier_cron_line_and_keeps_the_others(tmp_path, monkeypatch):
    bin_dir, table = tmp_path / "bin", tmp_path / "crontab.txt"
    bin_dir.mkdir()
    table.write_text("0 1 * * * backup # mine\n9 9 * * * old # voicewipe: unattended wipe\n")
    _stand_in(bin_dir, "crontab", f'if [ "$1" = "-l" ]; then cat {table}; else cat > {table}; fi\n')
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    done = run_cli(*BASE, "--every", "daily", "--format", "cron", "--install")
    assert done.code == 0, done.err
    lines = table.read_text().splitlines()
    assert lines[0] == "0 1 * * * backup # mine"
    assert len(lines) == 2 and lines[1].startswith("30 3 * * * ")
    assert "installed in your crontab" in done.err


def test_install_writes_the_user_units_and_enables_the_timer(tmp_path, monkeypatch):
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls.txt"
    bin_dir.mkdir()
    _stand_in(bin_dir, "systemctl", f'echo "$@" >> {calls}\n')
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    done = run_cli(*BASE, "--every", "daily", "--format", "systemd", "--install")
    assert done.code == 0, done.err
    units = tmp_path / "config" / "systemd" / "user"
    assert (units / "voicewipe-wipe.timer").is_file() and (
        units / "voicewipe-wipe.service"
    ).is_file()
    assert calls.read_text().splitlines() == [
        "--user daemon-reload",
        "--user enable --now voicewipe-wipe.timer",
    ]


NOTIFY = "https://hc-ping.example/ping/a%20b$HOME"  # a % and a $ that must reach voicewipe as is


def test_notify_goes_into_the_scheduled_command_escaped_for_cron(tmp_path):
    done = run_cli(*BASE, "--every", "daily", "--format", "cron", "--notify", NOTIFY,
                   "--out", str(tmp_path / "rec%d"))  # fmt: skip
    assert done.code == 0, done.err
    line = done.out.strip()
    # cron takes an unescaped % for the end of the command: every one is escaped.
    assert "%" not in line.replace("\\%", "")
    assert "--notify 'https://hc-ping.example/ping/a\\%20b$HOME'" in line
    assert f"--out {tmp_path}/rec\\%d" in line


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_notify_adds_an_on_failure_unit_that_systemd_accepts(tmp_path):
    units = _units(tmp_path, "--every", "daily", "--notify", NOTIFY)
    assert set(units) == {
        "voicewipe-wipe.service", "voicewipe-wipe.timer", "voicewipe-wipe-failed.service"
    }  # fmt: skip
    service, failed = units["voicewipe-wipe.service"], units["voicewipe-wipe-failed.service"]
    assert "OnFailure=voicewipe-wipe-failed.service" in service
    # systemd reads %x and $NAME in a command line: both are doubled to stay literal.
    assert "--notify 'https://hc-ping.example/ping/a%%20b$$HOME'" in service
    assert " notify --unit-failed voicewipe-wipe.service 'https://hc-ping.example/" in failed
    for name, text in units.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in units)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
