"""What `voicewipe schedule` writes: for one job (an account's wipe, or the wipe of every
account in the accounts file) a crontab line or a systemd user timer and service, under names
of its own, so that the jobs of several accounts sit side by side and installing one again
replaces only its own.

Every value is escaped for where it goes: cron ends a command at an unescaped `%`; systemd
expands `%x` specifiers in every value and `$NAME` in command lines.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from voicewipe.errors import UsageError

UNIT = "voicewipe-wipe"  # the name of every job's units before accounts had their own
MARK = "# voicewipe: unattended wipe"  # ... and of its crontab line; a job's adds "of SLUG"
ALL_ACCOUNTS = "all-accounts"


@dataclass(frozen=True)
class Job:
    """One unattended wipe: when, what it runs, and for whom."""

    slug: str  # accounts.unit_slug(), or ALL_ACCOUNTS
    who: str  # for the units' descriptions
    every: str
    at: str
    command: tuple[str, ...]
    notify: tuple[str, ...]
    out: Path
    account: tuple[str, str] | None = None  # (address in lower case, marketplace); None: all

    @property
    def unit(self) -> str:
        return f"{UNIT}-{self.slug}"

    @property
    def mark(self) -> str:
        return f"{MARK} of {self.slug}"


def parse_time(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text)
    if not match:
        raise UsageError(f"--at: {text!r} is not a time like 03:30")
    return int(match[1]), int(match[2])


def voicewipe() -> list[str]:
    """The voicewipe beside this Python (a virtual environment's), else the one on PATH, else
    this Python running the module: whichever it is, by absolute path."""
    beside = Path(sys.executable).parent / "voicewipe"
    found = str(beside) if beside.is_file() else shutil.which("voicewipe")
    return [found] if found else [sys.executable, "-m", "voicewipe"]


def for_cron(text: str) -> str:
    """cron ends a command at an unescaped % (the rest becomes its standard input)."""
    return text.replace("%", "\\%")


def for_systemd(text: str) -> str:
    """systemd expands %x specifiers and $VARIABLES in a unit's command lines and values."""
    return text.replace("%", "%%").replace("$", "$$")


def _description(text: str) -> str:
    """A Description= line: specifiers are expanded there, variables not; one line."""
    return " ".join(text.split()).replace("%", "%%")


def _environment(command: tuple[str, ...]) -> dict[str, str]:
    uid = os.getuid()
    folders = [str(Path(command[0]).parent), "/usr/local/bin", "/usr/bin", "/bin"]
    env = {
        "PATH": ":".join(dict.fromkeys(folders)),
        "XDG_RUNTIME_DIR": f"/run/user/{uid}",
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path=/run/user/{uid}/bus",
    }
    if os.environ.get("VOICEWIPE_BROWSER"):
        env["VOICEWIPE_BROWSER"] = os.environ["VOICEWIPE_BROWSER"]
    if os.environ.get("VOICEWIPE_ACCOUNTS"):  # the file this run read, the scheduled ones too
        env["VOICEWIPE_ACCOUNTS"] = str(Path(os.environ["VOICEWIPE_ACCOUNTS"]).resolve())
    return env


def cron_line(job: Job) -> str:
    hour, minute = parse_time(job.at)
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in _environment(job.command).items())
    log = shlex.quote(str(job.out / "cron.log"))
    days = "*" if job.every == "daily" else "1"
    line = f"{env} {shlex.join(job.command)} >> {log} 2>&1"
    return f"{minute} {hour} * * {days} {for_cron(line)} {job.mark}"


def systemd_units(job: Job) -> dict[str, str]:
    hour, minute = parse_time(job.at)
    env = "\n".join(
        f"Environment={for_systemd(shlex.quote(f'{k}={v}'))}"
        for k, v in _environment(job.command).items()
    )
    calendar = f"*-*-* {hour:02d}:{minute:02d}:00"
    if job.every == "weekly":
        calendar = f"Mon {calendar}"
    service = (
        "[Unit]\n"
        + _description(f"Description=voicewipe: export and delete the Alexa voice history of "
                       f"{job.who}") + "\n"
        "Wants=network-online.target\nAfter=network-online.target\n"
        + (f"OnFailure={job.unit}-failed.service\n" if job.notify else "")
        + "\n[Service]\nType=oneshot\n"
        f"{env}\n"
        f"ExecStart={for_systemd(shlex.join(job.command))}\n"
    )  # fmt: skip
    timer = (
        "[Unit]\n"
        + _description(f"Description=voicewipe: the {job.every} wipe of {job.who}") + "\n\n"
        "[Timer]\n"
        f"OnCalendar={calendar}\nPersistent=true\nRandomizedDelaySec=10min\n\n"
        "[Install]\nWantedBy=timers.target\n"
    )  # fmt: skip
    units = {f"{job.unit}.service": service, f"{job.unit}.timer": timer}
    if job.notify:
        units[f"{job.unit}-failed.service"] = _failure_unit(job, env)
    return units


def _failure_unit(job: Job, env: str) -> str:
    """What runs when the wipe's service fails: a message, unless voicewipe ended the run
    with its own exit code and so has sent one (`voicewipe notify --unit-failed`)."""
    notify = [*voicewipe(), "notify", "--unit-failed", f"{job.unit}.service", *job.notify]
    return (
        "[Unit]\n"
        + _description(f"Description=voicewipe: tell that the unattended wipe of {job.who} "
                       "failed") + "\n\n"
        "[Service]\nType=oneshot\n"
        f"{env}\n"
        f"ExecStart={for_systemd(shlex.join(notify))}\n"
    )  # fmt: skip


def account_of(command_text: str) -> tuple[str, str] | None:
    """The (address, marketplace) an earlier command line wipes, if it can be told."""
    try:
        words = shlex.split(command_text)
    except ValueError:
        return None
    if "--account" not in words[:-1]:
        return None
    email = words[words.index("--account") + 1]
    marketplace = "amazon.com"
    if "--marketplace" in words[:-1]:
        marketplace = words[words.index("--marketplace") + 1]
    return email.lower(), marketplace
