"""`voicewipe schedule`: the crontab line and the systemd units for the unattended wipe, their
content, systemd's own check of the units, and --install (with stand-in crontab and systemctl
commands, so that the test never touches the real ones)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from clirun import run_cli
from voicewipe.alexa.accounts import unit_slug

pytestmark = pytest.mark.unit

BASE = ["schedule", "--account", "a@example.com", "--marketplace", "amazon.de"]
A = f"voicewipe-wipe-{unit_slug('a@example.com', 'amazon.de')}"  # the account's units


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


def _units(tmp_path: Path, *args: str, base: list[str] = BASE) -> dict[str, str]:
    done = run_cli(*base, *args, "--format", "systemd", "--out", str(tmp_path / "rec"))
    assert done.code == 0, done.err
    units: dict[str, str] = {}
    for block in done.out.split("# ~/.config/systemd/user/")[1:]:
        name, _, text = block.partition("\n")
        units[name] = text.strip() + "\n"
    return units


def _verify(folder: Path, units: dict[str, str]) -> None:
    """systemd's own check of the units, as user units (the way they are installed)."""
    folder.mkdir(exist_ok=True)
    for name, text in units.items():
        (folder / name).write_text(text, encoding="utf-8")
    runtime = folder / "runtime"  # a user manager's own folder, which a container may lack
    runtime.mkdir(mode=0o700, exist_ok=True)
    checked = subprocess.run(
        ["systemd-analyze", "--user", "verify", *(str(folder / name) for name in units)],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)},
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_systemd_units_for_a_daily_wipe(tmp_path):
    units = _units(tmp_path, "--every", "daily", "--at", "03:30")
    assert set(units) == {f"{A}.service", f"{A}.timer"}
    service, timer = units[f"{A}.service"], units[f"{A}.timer"]
    assert "Type=oneshot" in service
    assert f"Environment=DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{os.getuid()}/bus" in service
    assert " wipe --yes --json --account a@example.com" in service
    assert "OnCalendar=*-*-* 03:30:00" in timer and "Persistent=true" in timer
    assert "WantedBy=timers.target" in timer
    weekly = _units(tmp_path, "--every", "weekly", "--at", "23:59")[f"{A}.timer"]
    assert "OnCalendar=Mon *-*-* 23:59:00" in weekly


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_itself_accepts_the_units(tmp_path):
    _verify(tmp_path / "units", _units(tmp_path, "--every", "weekly"))


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
    assert (units / f"{A}.timer").is_file() and (units / f"{A}.service").is_file()
    assert calls.read_text().splitlines() == [
        "--user daemon-reload",
        f"--user enable --now {A}.timer",
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
    assert set(units) == {f"{A}.service", f"{A}.timer", f"{A}-failed.service"}
    service, failed = units[f"{A}.service"], units[f"{A}-failed.service"]
    assert f"OnFailure={A}-failed.service" in service
    # systemd reads %x and $NAME in a command line: both are doubled to stay literal.
    assert "--notify 'https://hc-ping.example/ping/a%%20b$$HOME'" in service
    assert f" notify --unit-failed {A}.service 'https://hc-ping.example/" in failed
    _verify(tmp_path / "units", units)


# --- several accounts --------------------------------------------------------------------
HOUSEHOLD = [("mum@example.com", "amazon.com"), ("mum@example.com", "amazon.de"),
             ("kid@example.co.uk", "amazon.co.uk")]  # fmt: skip


def _account(email: str, marketplace: str) -> list[str]:
    return ["schedule", "--account", email, "--marketplace", marketplace]


def test_every_account_has_units_and_a_cron_line_of_its_own(tmp_path):
    names, marks = set(), set()
    for email, marketplace in HOUSEHOLD:
        slug = unit_slug(email, marketplace)
        units = _units(tmp_path, "--every", "daily", "--notify", "ntfy://t",
                       base=_account(email, marketplace))  # fmt: skip
        assert set(units) == {f"voicewipe-wipe-{slug}{end}"
                              for end in (".service", ".timer", "-failed.service")}  # fmt: skip
        assert (
            f"--account {email} --marketplace {marketplace}"
            in units[f"voicewipe-wipe-{slug}.service"]
        )
        names |= set(units)
        done = run_cli(*_account(email, marketplace), "--every", "daily", "--format", "cron")
        assert done.code == 0, done.err
        assert done.out.strip().endswith(f" # voicewipe: unattended wipe of {slug}")
        marks.add(done.out.strip().rpartition(" # ")[2])
    assert len(names) == 3 * len(HOUSEHOLD) and len(marks) == len(HOUSEHOLD)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_every_unit_of_several_accounts(tmp_path):
    units: dict[str, str] = {}
    for email, marketplace in HOUSEHOLD:
        units |= _units(tmp_path, "--every", "weekly", "--notify", NOTIFY,
                        base=_account(email, marketplace))  # fmt: skip
    units |= _units(tmp_path, "--every", "daily", base=["schedule", "--all-accounts"])
    assert len(units) == 3 * len(HOUSEHOLD) + 2
    _verify(tmp_path / "units", units)


def _crontab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    bin_dir, table = tmp_path / "bin", tmp_path / "crontab.txt"
    bin_dir.mkdir(exist_ok=True)
    table.write_text(text)
    _stand_in(bin_dir, "crontab", f'if [ "$1" = "-l" ]; then cat {table}; else cat > {table}; fi\n')
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    return table


def test_installing_a_second_account_keeps_the_first_in_cron(tmp_path, monkeypatch):
    table = _crontab(tmp_path, monkeypatch, "0 1 * * * backup # mine\n")
    first, second = HOUSEHOLD[0], HOUSEHOLD[2]
    for email, marketplace, at in (*first, "01:00"), (*second, "02:00"), (*first, "04:00"):
        done = run_cli(*_account(email, marketplace), "--every", "daily", "--at", at,
                       "--format", "cron", "--install")  # fmt: skip
        assert done.code == 0, done.err
    lines = table.read_text().splitlines()
    assert lines[0] == "0 1 * * * backup # mine" and len(lines) == 3
    # The second install of the first account replaced its own line only.
    assert lines[1].startswith("0 2 * * * ") and lines[1].endswith(unit_slug(*second))
    assert lines[2].startswith("0 4 * * * ") and lines[2].endswith(unit_slug(*first))


def test_an_earlier_versions_line_for_the_same_account_is_replaced(tmp_path, monkeypatch):
    old = (
        "9 9 * * * PATH=/x /x/voicewipe wipe --yes --json --account {} --marketplace {} "
        "# voicewipe: unattended wipe\n"
    )
    earlier = old.format("kid@example.co.uk", "amazon.co.uk") + old.format(
        "MUM@example.com", "amazon.com"
    )
    table = _crontab(tmp_path, monkeypatch, earlier)
    done = run_cli(*_account(*HOUSEHOLD[0]), "--every", "daily", "--format", "cron", "--install")
    assert done.code == 0, done.err
    lines = table.read_text().splitlines()
    assert len(lines) == 2 and "--account kid@example.co.uk" in lines[0]  # another's: kept
    assert lines[1].endswith(unit_slug(*HOUSEHOLD[0]))


def _systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls.txt"
    bin_dir.mkdir(exist_ok=True)
    _stand_in(bin_dir, "systemctl", f'echo "$@" >> {calls}\n')
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "systemd" / "user", calls


def test_installing_a_second_account_keeps_the_first_in_systemd(tmp_path, monkeypatch):
    folder, calls = _systemctl(tmp_path, monkeypatch)
    for email, marketplace in HOUSEHOLD[0], HOUSEHOLD[1]:
        done = run_cli(*_account(email, marketplace), "--every", "daily", "--format", "systemd",
                       "--install", "--notify", "ntfy://t")  # fmt: skip
        assert done.code == 0, done.err
    first, second = (f"voicewipe-wipe-{unit_slug(*a)}" for a in HOUSEHOLD[:2])
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{unit}{end}"
        for unit in (first, second)
        for end in (".service", ".timer", "-failed.service")
    )
    assert "--marketplace amazon.com" in (folder / f"{first}.service").read_text()
    assert "--marketplace amazon.de" in (folder / f"{second}.service").read_text()
    assert calls.read_text().splitlines() == [
        "--user daemon-reload", f"--user enable --now {first}.timer",
        "--user daemon-reload", f"--user enable --now {second}.timer",
    ]  # fmt: skip


ODD = 'o\'brien%20$HOME "x"@example.com'  # an address may quote % $ spaces and quotes


def test_odd_values_are_escaped_for_cron_and_for_systemd(tmp_path):
    out = tmp_path / "my rec%d $HOME"
    url = "https://hc-ping.example/a%20b$HOME?x='y z'"
    base = ["schedule", "--account", ODD]
    done = run_cli(
        *base, "--every", "daily", "--format", "cron", "--notify", url, "--out", str(out)
    )
    assert done.code == 0, done.err
    line = done.out.strip()
    assert "%" not in line.replace("\\%", "")
    words = shlex.split(line.replace("\\%", "%").rpartition(" # ")[0])
    assert words[words.index("--account") + 1] == ODD
    assert words[words.index("--notify") + 1] == url
    assert words[words.index("--out") + 1] == str(out)
    units = _units(tmp_path, "--every", "daily", "--notify", url, "--out", str(out), base=base)
    service = next(
        t
        for n, t in units.items()
        if n.endswith("wipe-" + unit_slug(ODD, "amazon.com") + ".service")
    )
    start = next(x for x in service.splitlines() if x.startswith("ExecStart="))
    assert "$HOME" not in start.replace("$$HOME", "")
    plain = start.removeprefix("ExecStart=").replace("%%", "\0").replace("$$", "$")
    assert "%" not in plain
    words = shlex.split(plain.replace("\0", "%"))
    assert words[words.index("--account") + 1] == ODD
    assert words[words.index("--notify") + 1] == url
    if shutil.which("systemd-analyze"):
        _verify(tmp_path / "units", units)


ACCOUNTS_FILE = """\
accounts:
- email: mum@example.com
  schedule: {every: daily, at: "01:15"}
  keep: 18-months
  notify: [ntfy://mum-topic]
- email: mum@example.com
  marketplace: amazon.de
  schedule: {every: weekly}
- email: kid@example.com
  keep: dont-save
"""


def test_from_accounts_schedules_each_account_that_has_a_schedule(tmp_path, monkeypatch):
    path = tmp_path / "accounts.yaml"
    path.write_text(ACCOUNTS_FILE)
    monkeypatch.setenv("VOICEWIPE_ACCOUNTS", str(path))
    done = run_cli("schedule", "--from-accounts", "--format", "cron", "--notify", "ntfy://admin")
    assert done.code == 0, done.err
    lines = done.out.strip().splitlines()
    assert len(lines) == 2  # the kid's account has no schedule
    mum, mum_de = lines
    assert mum.startswith("15 1 * * * ") and mum_de.startswith("30 3 * * 1 ")
    assert "--account mum@example.com --marketplace amazon.com --keep 18-months" in mum
    assert "--notify ntfy://mum-topic --notify ntfy://admin" in mum
    assert "--marketplace amazon.de --keep 3-months" in mum_de
    assert f"VOICEWIPE_ACCOUNTS={path}" in mum
    assert mum.endswith(unit_slug("mum@example.com", "amazon.com"))
    assert mum_de.endswith(unit_slug("mum@example.com", "amazon.de"))
    units = _units(tmp_path, base=["schedule", "--from-accounts"])
    assert len(units) == 5  # mum's two timers and services, and one OnFailure unit
    if shutil.which("systemd-analyze"):
        _verify(tmp_path / "units", units)


def test_from_accounts_installs_them_together(tmp_path, monkeypatch):
    path = tmp_path / "accounts.yaml"
    path.write_text(ACCOUNTS_FILE)
    monkeypatch.setenv("VOICEWIPE_ACCOUNTS", str(path))
    folder, calls = _systemctl(tmp_path, monkeypatch)
    done = run_cli("schedule", "--from-accounts", "--format", "systemd", "--install")
    assert done.code == 0, done.err
    timers = [f"voicewipe-wipe-{unit_slug('mum@example.com', m)}.timer"
              for m in ("amazon.com", "amazon.de")]  # fmt: skip
    assert calls.read_text().splitlines() == [
        "--user daemon-reload", f"--user enable --now {' '.join(timers)}"
    ]  # fmt: skip
    assert all((folder / t).is_file() for t in timers)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from-accounts", "--every", "daily"], "schedule: --every with --from-accounts"),
        (["--all-accounts", "--every", "daily", "--keep", "dont-save"], "--keep and --marketplace"),
        (["--all-accounts"], "schedule: give --every daily or weekly"),
        (["--account", "a@example.com", "--from-accounts"], "not allowed with argument"),
        (["--every", "daily"], "one of the arguments --account --from-accounts --all-accounts"),
    ],
)
def test_whom_to_wipe_is_said_once(args, message):
    done = run_cli("schedule", *args)
    assert done.code == 2 and message in done.err, done.err


def test_from_accounts_without_a_schedule_says_how_to_give_one(tmp_path, monkeypatch):
    path = tmp_path / "accounts.yaml"
    path.write_text("accounts:\n- email: kid@example.com\n")
    monkeypatch.setenv("VOICEWIPE_ACCOUNTS", str(path))
    done = run_cli("schedule", "--from-accounts")
    assert done.code == 2
    assert done.err.strip() == (
        f"voicewipe: no account in {path} has a schedule; give one with "
        "`voicewipe accounts add EMAIL --every daily --at 03:30`"
    )


def test_an_account_that_wipes_some_histories_only_is_scheduled_to_wipe_those(
    tmp_path, monkeypatch
):
    path = tmp_path / "accounts.yaml"
    path.write_text(ACCOUNTS_FILE + "  what: [voice, smart-home]\n  schedule: {every: daily}\n")
    monkeypatch.setenv("VOICEWIPE_ACCOUNTS", str(path))
    done = run_cli("schedule", "--from-accounts", "--format", "cron")
    assert done.code == 0, done.err
    (line,) = [x for x in done.out.strip().splitlines() if "kid@example.com" in x]
    command = shlex.split(line.split(" # voicewipe: ")[0].split(" >> ")[0])
    assert command[command.index("--what") + 1] == "voice,smart-home"


def test_all_accounts_is_one_job_for_the_file(tmp_path):
    done = run_cli("schedule", "--all-accounts", "--every", "daily", "--format", "cron",
                   "--out", str(tmp_path))  # fmt: skip
    assert done.code == 0, done.err
    line = done.out.strip()
    assert f" wipe --yes --json --all-accounts --out {tmp_path} >> " in line
    assert line.endswith(" # voicewipe: unattended wipe of all-accounts")
    units = _units(tmp_path, "--every", "daily", base=["schedule", "--all-accounts"])
    assert set(units) == {
        "voicewipe-wipe-all-accounts.service",
        "voicewipe-wipe-all-accounts.timer",
    }


def _earlier_units(folder: Path, account: str) -> None:
    folder.mkdir(parents=True)
    (folder / "voicewipe-wipe.service").write_text(
        "[Service]\nType=oneshot\nExecStart=/x/voicewipe wipe --yes --json --account "
        f"{account} --marketplace amazon.de --keep 3-months --out /x\n"
    )
    (folder / "voicewipe-wipe.timer").write_text("[Timer]\nOnCalendar=daily\n")


def test_an_earlier_versions_units_for_the_same_account_give_way(tmp_path, monkeypatch):
    folder, calls = _systemctl(tmp_path, monkeypatch)
    _earlier_units(folder, "A@example.com")
    done = run_cli(*BASE, "--every", "daily", "--format", "systemd", "--install")
    assert done.code == 0, done.err
    assert "removed voicewipe-wipe.timer, an earlier install for a@example.com" in done.err
    assert sorted(p.name for p in folder.iterdir()) == [f"{A}.service", f"{A}.timer"]
    assert calls.read_text().splitlines()[0] == "--user disable --now voicewipe-wipe.timer"


def test_an_earlier_versions_units_for_another_account_stay(tmp_path, monkeypatch):
    folder, calls = _systemctl(tmp_path, monkeypatch)
    _earlier_units(folder, "someone@example.com")
    done = run_cli(*BASE, "--every", "daily", "--format", "systemd", "--install")
    assert done.code == 0, done.err
    assert "voicewipe-wipe.timer (an earlier install, for another account) stays" in done.err
    assert (folder / "voicewipe-wipe.timer").is_file() and (folder / f"{A}.timer").is_file()
    assert "disable" not in calls.read_text()
