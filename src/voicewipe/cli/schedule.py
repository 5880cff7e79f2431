"""`voicewipe schedule`: the unattended wipe, every day or week, as a crontab line or a systemd
user timer and service; printed, or installed for the current user with --install.

Run unattended, voicewipe needs what a login session gives it: a PATH that finds it and its
browser, and for the Secret Service keyring the user's D-Bus session bus. Both are written
into the schedule, so the keyring works outside a login session as long as it is unlocked
(a desktop login, or gnome-keyring unlocked at boot).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from voicewipe.errors import ExitCode, UsageError

UNIT = "voicewipe-wipe"
MARK = "# voicewipe: unattended wipe"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--every", choices=["daily", "weekly"], required=True, help="how often to run the wipe"
    )
    parser.add_argument(
        "--at", default="03:30", metavar="HH:MM", help="time of day (default 03:30)"
    )
    parser.add_argument(
        "--keep",
        choices=["3-months", "18-months", "dont-save"],
        default="3-months",
        help="the auto-delete setting each run leaves (default 3-months)",
    )
    parser.add_argument(
        "--account", required=True, metavar="EMAIL", help="the Amazon account to wipe"
    )
    parser.add_argument(
        "--marketplace",
        default="amazon.com",
        metavar="M",
        help="amazon.com (default), amazon.co.uk, amazon.de or amazon.co.jp",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("recordings"), metavar="DIR", help="output folder"
    )
    parser.add_argument(
        "--format",
        choices=["systemd", "cron"],
        help="default: systemd where systemctl is found, else cron",
    )
    parser.add_argument(
        "--notify",
        action="append",
        default=[],
        metavar="URL",
        help="where each run says it started and how it ended (see `voicewipe wipe --help`); "
        "with systemd, also an OnFailure unit for a run killed before it could say so",
    )
    parser.add_argument("--install", action="store_true", help="install it for the current user")


def _time(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text)
    if not match:
        raise UsageError(f"--at: {text!r} is not a time like 03:30")
    return int(match[1]), int(match[2])


def _voicewipe() -> list[str]:
    """The voicewipe beside this Python (a virtual environment's), else the one on PATH, else
    this Python running the module: whichever it is, by absolute path."""
    beside = Path(sys.executable).parent / "voicewipe"
    found = str(beside) if beside.is_file() else shutil.which("voicewipe")
    return [found] if found else [sys.executable, "-m", "voicewipe"]


def _command(args: argparse.Namespace) -> list[str]:
    return [
        *_voicewipe(), "wipe", "--yes", "--json",
        "--account", args.account, "--marketplace", args.marketplace,
        "--keep", args.keep, "--out", str(args.out.resolve()),
        *(option for url in args.notify for option in ("--notify", url)),
    ]  # fmt: skip


def _for_cron(text: str) -> str:
    """cron ends a command at an unescaped % (the rest becomes its standard input)."""
    return text.replace("%", "\\%")


def _for_systemd(text: str) -> str:
    """systemd expands %x specifiers and $VARIABLES in a unit's command lines and values."""
    return text.replace("%", "%%").replace("$", "$$")


def _environment(command: list[str]) -> dict[str, str]:
    uid = os.getuid()
    folders = [str(Path(command[0]).parent), "/usr/local/bin", "/usr/bin", "/bin"]
    env = {
        "PATH": ":".join(dict.fromkeys(folders)),
        "XDG_RUNTIME_DIR": f"/run/user/{uid}",
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path=/run/user/{uid}/bus",
    }
    if os.environ.get("VOICEWIPE_BROWSER"):
        env["VOICEWIPE_BROWSER"] = os.environ["VOICEWIPE_BROWSER"]
    return env


def cron_line(args: argparse.Namespace) -> str:
    hour, minute = _time(args.at)
    command = _command(args)
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in _environment(command).items())
    log = shlex.quote(str(args.out.resolve() / "cron.log"))
    days = "*" if args.every == "daily" else "1"
    line = f"{env} {shlex.join(command)} >> {log} 2>&1"
    return f"{minute} {hour} * * {days} {_for_cron(line)} {MARK}"


def systemd_units(args: argparse.Namespace) -> dict[str, str]:
    hour, minute = _time(args.at)
    command = _command(args)
    env = "\n".join(
        f"Environment={_for_systemd(shlex.quote(f'{k}={v}'))}"
        for k, v in _environment(command).items()
    )
    calendar = f"*-*-* {hour:02d}:{minute:02d}:00"
    if args.every == "weekly":
        calendar = f"Mon {calendar}"
    service = (
        "[Unit]\n"
        f"Description=voicewipe: export and delete the Alexa voice history of {args.account}\n"
        "Wants=network-online.target\nAfter=network-online.target\n"
        + (f"OnFailure={UNIT}-failed.service\n" if args.notify else "")
        + "\n[Service]\nType=oneshot\n"
        f"{env}\n"
        f"ExecStart={_for_systemd(shlex.join(command))}\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=voicewipe: the {args.every} wipe of {args.account}\n\n"
        "[Timer]\n"
        f"OnCalendar={calendar}\nPersistent=true\nRandomizedDelaySec=10min\n\n"
        "[Install]\nWantedBy=timers.target\n"
    )
    units = {f"{UNIT}.service": service, f"{UNIT}.timer": timer}
    if args.notify:
        units[f"{UNIT}-failed.service"] = _failure_unit(args, env)
    return units


def _failure_unit(args: argparse.Namespace, env: str) -> str:
    """What runs when the wipe's service fails: a message, unless voicewipe ended the run
    with its own exit code and so has sent one (`voicewipe notify --unit-failed`)."""
    notify = [*_voicewipe(), "notify", "--unit-failed", f"{UNIT}.service", *args.notify]
    return (
        "[Unit]\n"
        f"Description=voicewipe: tell {args.account} that the unattended wipe failed\n\n"
        "[Service]\nType=oneshot\n"
        f"{env}\n"
        f"ExecStart={_for_systemd(shlex.join(notify))}\n"
    )


def _install_cron(line: str) -> str:
    if shutil.which("crontab") is None:
        raise UsageError("no crontab command here; install cron, or use --format systemd")
    current = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
    kept = [x for x in current.stdout.splitlines() if not x.endswith(MARK)]
    subprocess.run(["crontab", "-"], input="\n".join([*kept, line]) + "\n", text=True, check=True)
    return "installed in your crontab (replacing an earlier voicewipe line)"


def _install_systemd(units: dict[str, str]) -> str:
    folder = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "systemd" / "user"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in units.items():
        (folder / name).write_text(text, encoding="utf-8")
    for step in (["daemon-reload"], ["enable", "--now", f"{UNIT}.timer"]):
        done = subprocess.run(["systemctl", "--user", *step], capture_output=True, text=True)
        if done.returncode:
            raise UsageError(
                f"wrote {folder}, but `systemctl --user {' '.join(step)}` failed: "
                f"{done.stderr.strip() or done.returncode}"
            )
    return f"installed in {folder} and enabled {UNIT}.timer"


def run(args: argparse.Namespace) -> int:
    _time(args.at)
    chosen = args.format or ("systemd" if shutil.which("systemctl") else "cron")
    if chosen == "cron":
        line = cron_line(args)
        print(line)
        if args.install:
            print(_install_cron(line), file=sys.stderr)
        return ExitCode.OK
    units = systemd_units(args)
    for name, text in units.items():
        print(f"# ~/.config/systemd/user/{name}\n{text}")
    if args.install:
        print(_install_systemd(units), file=sys.stderr)
    return ExitCode.OK
