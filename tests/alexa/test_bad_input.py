"""Bad input to the Alexa commands: wrong or conflicting options, a damaged export folder, an
output folder that cannot be written. Each is one line on stderr, no traceback, the exit code
the README gives (2 for these), and nothing deleted or changed on the (real, mock) site.

The usage mistakes that tests/alexa/test_delete.py, test_export.py and test_marketplaces.py
already cover are not repeated here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from clirun import Result, run_cli

ACCOUNT = "demo@example.com"
TOMORROW = date.today() + timedelta(days=1)
DAY_AFTER = TOMORROW + timedelta(days=1)


def one_line(result: Result, code: int = 2) -> str:
    """The one line a refused command says (after `voicewipe: `); stdout stays empty, so that
    a script reading --json gets nothing rather than half a summary."""
    assert result.code == code, result.err
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("voicewipe: ")
    assert result.out == ""
    return lines[0].removeprefix("voicewipe: ")


def untouched(mock: Any, settings: dict[str, Any], *, requests: bool = False) -> None:
    """Nothing deleted in any history, the auto-delete settings as they were; and with
    `requests`, not even a page asked for (refused before a browser started)."""
    state = mock.state()
    for name, history in state["histories"].items():
        assert history["deleted"] == 0, name
    assert state["deletions"] == []
    assert state["settings"] == settings
    if requests:
        assert state["requests"]["total"] == 0


@pytest.fixture
def settings(mock: Any) -> dict[str, Any]:
    return dict(mock.state()["settings"])


# --- Options ------------------------------------------------------------------------------

# (command line, the message; "..." ends a message whose rest argparse words differently from
# one Python to the next). Every destructive one says --yes (and --no-export where it
# exists): a check that failed to stop it would delete for real.
MISTAKES = [
    pytest.param(
        ["export", "--since", "2024-13-40"],
        "--since: '2024-13-40' is not a date like 2024-06-03",
        id="export-impossible-date",
    ),
    pytest.param(
        ["delete", "--since", "2024-02-01", "--until", "2024-02-30", "--yes", "--no-export"],
        "--until: '2024-02-30' is not a date like 2024-06-03",
        id="delete-impossible-until",
    ),
    pytest.param(
        ["export", "--since", "2024-03-01", "--until", "2024-02-01"],
        "--since 2024-03-01 is after --until 2024-02-01",
        id="export-start-after-end",
    ),
    pytest.param(
        ["delete", "--since", str(TOMORROW), "--until", str(DAY_AFTER), "--yes", "--no-export"],
        f"--since {TOMORROW} is in the future",
        id="delete-in-the-future",
    ),
    pytest.param(
        ["wipe", "--marketplace", "amazon.fr", "--yes"],
        "--marketplace: unknown marketplace 'amazon.fr'; one of amazon.com, amazon.co.uk, "
        "amazon.de, amazon.co.jp",
        id="wipe-unknown-marketplace",
    ),
    pytest.param(
        ["auto-delete", "dont-save", "--marketplace", "Amazon.com", "--yes", "--no-export"],
        "--marketplace: unknown marketplace 'Amazon.com'; one of amazon.com, amazon.co.uk, "
        "amazon.de, amazon.co.jp",
        id="auto-delete-unknown-marketplace",
    ),
    pytest.param(
        # An empty name used to filter nothing: every device's recordings were deleted.
        ["delete", "--all", "--device", "", "--yes", "--no-export"],
        "--device: give a device's name (or leave --device out for all)",
        id="delete-empty-device",
    ),
    pytest.param(
        ["delete", "--all", "--device", "  ", "--yes", "--no-export"],
        "--device: give a device's name (or leave --device out for all)",
        id="delete-blank-device",
    ),
    pytest.param(
        ["wipe", "--mock", "--yes"],
        "give --mock (start the built-in mock site) or --site URL, not both",
        id="wipe-mock-and-site",
    ),
    pytest.param(
        ["delete", "--all", "--mock-option", "recordings=5", "--yes", "--no-export"],
        "--mock-option goes with --mock",
        id="mock-option-without-mock",
    ),
    pytest.param(
        ["wipe", "--keep", "off", "--yes"],
        "--keep: 'off' is not one of 3-months, 18-months, dont-save ...",
        id="wipe-keep-off",
    ),
    pytest.param(
        ["auto-delete", "3-months", "--deletion-by-voice", "maybe", "--yes"],
        "auto-delete: argument --deletion-by-voice: invalid choice: 'maybe' (choose from ...",
        id="auto-delete-switch",
    ),
    pytest.param(
        ["wipe", "--yes", "--json=yes"],
        "wipe: argument --json: ignored explicit argument 'yes' (see 'voicewipe wipe --help')",
        id="json-with-a-value",
    ),
    pytest.param(
        ["export", "--json", "summary.json"],
        "unrecognized arguments: summary.json (see 'voicewipe --help')",
        id="json-with-a-file",
    ),
    pytest.param(
        ["wipe", "--yes", "--timeout", "nan"],
        "--timeout must be at most 86400 seconds (a day), not nan",
        id="timeout-nan",
    ),
    pytest.param(
        # Past the browser's timers (24.8 days) every wait would end at once.
        ["wipe", "--yes", "--timeout", "3e6"],
        "--timeout must be at most 86400 seconds (a day), not 3e+06",
        id="timeout-past-the-browsers-timers",
    ),
    pytest.param(
        ["delete", "--all", "--yes", "--no-export", "--slowmo", "inf"],
        "--slowmo must be a number of milliseconds, not inf",
        id="slowmo-inf",
    ),
]


@pytest.mark.parametrize(("argv", "message"), MISTAKES)
def test_a_mistaken_command_line_touches_nothing(mock, vw, out, settings, argv, message):
    done = vw(*argv)
    said = one_line(done.result)
    if message.endswith("..."):
        assert said.startswith(message.removesuffix("...")), said
    else:
        assert said == message
    assert not (out / "runs").exists()
    untouched(mock, settings, requests=True)


NO_DISPLAY = (
    "--headed needs a display, and neither DISPLAY nor WAYLAND_DISPLAY is set: run it in a "
    "desktop session, under Xvfb (`xvfb-run voicewipe ...`), or without --headed"
)


@pytest.mark.parametrize("argv", [["wipe", "--yes"], ["login"]], ids=["wipe", "login"])
def test_headed_without_a_display_says_so_before_any_browser(
    mock, vw, out, settings, monkeypatch, argv
):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    done = vw(*argv, "--headed")
    assert one_line(done.result) == NO_DISPLAY
    assert not (out / "runs").exists()  # no run began: no browser was started
    untouched(mock, settings, requests=True)


def test_json_before_the_command_is_a_usage_error(mock, out, settings):
    result = run_cli("--json", "wipe", "--yes", "--out", str(out), "--site", mock.url)
    assert one_line(result) == "unrecognized arguments: --json (see 'voicewipe --help')"
    untouched(mock, settings, requests=True)


@pytest.mark.parametrize(
    ("site", "message"),
    [
        # urlsplit() raised ValueError for these: an internal error, not a usage error.
        ("http://[::1", "--site: 'http://[::1' is not an address like http://127.0.0.1:8080"),
        (
            "http://127.0.0.1:port",
            "--site: 'http://127.0.0.1:port' is not an address like http://127.0.0.1:8080",
        ),
        ("http://:8080", "--site: 'http://:8080' is not an address like http://127.0.0.1:8080"),
    ],
)
def test_a_malformed_site_address_is_a_usage_error(mock, out, settings, site, message):
    result = run_cli("wipe", "--yes", "--out", str(out), "--site", site)
    assert one_line(result) == message
    assert not (out / "runs").exists()
    untouched(mock, settings, requests=True)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["nonsense=1"], "--mock-option: unknown option(s): nonsense"),
        (["recordings"], "--mock-option takes NAME=VALUE, got 'recordings'"),
        # YAML read the value as a date and failed (ValueError): an internal error.
        (["now=2024-13-40"], "--mock-option: month must be in 1..12"),
        # The README's own example: replace() got the locale twice (a TypeError's words).
        (
            ["locale=de-DE"],
            "--mock-option locale=de-DE: the mock site speaks the marketplace's language "
            "(en-US); choose the marketplace instead, e.g. --marketplace amazon.de for de-DE",
        ),
    ],
    ids=["unknown", "no-value", "impossible-date", "locale-against-marketplace"],
)
def test_a_bad_mock_option_starts_nothing(out, options, message):
    """Refused before the built-in mock site or a browser starts."""
    argv = ["wipe", "--yes", "--mock", "--out", str(out)]
    for option in options:
        argv += ["--mock-option", option]
    assert one_line(run_cli(*argv)) == message
    assert not (out / "runs").exists()


# --- The export folder --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("manifest", "said"),
    [
        (b"\x00{garbage", "Expecting value: line 1 column 1 (char 0)"),
        # JSON of the wrong shape (a hand edit gone wrong) was an internal error.
        (b'{"histories": 5}', "voice: AttributeError(\"'int' object has no attribute 'get'\")"),
        (
            b'{"histories": {"voice": {"audio_files": {"a.wav": {"size": "big", "sha256": ""}}}}}',
            "voice: ValueError(\"invalid literal for int() with base 10: 'big'\")",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "maximum recursion depth exceeded"),
    ],
    ids=["not-json", "histories-a-number", "size-not-a-number", "nested-too-deep"],
)
@pytest.mark.parametrize("command", ["delete", "wipe"])
def test_a_damaged_manifest_stops_a_deletion(mock, vw, out, settings, manifest, said, command):
    """The manifest is what vouches for the export: damaged, nothing is deleted, and it is
    left as it is for the person to look at."""
    archive = out / "amazon.com" / ACCOUNT
    archive.mkdir(parents=True)
    (archive / "voice-history.jsonl").write_text("", encoding="utf-8")
    path = archive / "manifest.json"
    path.write_bytes(manifest)
    argv = ["delete", "--all"] if command == "delete" else ["wipe"]
    message = one_line(vw(*argv, "--yes").result)
    assert message.startswith(f"{path} is damaged (")
    assert said in message
    assert message.endswith("); move the folder aside and export again")
    assert path.read_bytes() == manifest
    untouched(mock, settings, requests=True)


def test_an_export_without_its_manifest_is_not_trusted(mock, vw, settings):
    """The records without the manifest (lost, or deleted by hand) prove nothing about the
    audio: delete refuses (exit 4, the README's code for what would lose data)."""
    exported = vw("export", "--no-screenshots")
    assert exported.code == 0, exported.result.err
    (exported.archive() / "manifest.json").unlink()
    done = vw("delete", "--all", "--yes", "--no-screenshots")
    assert done.code == 4, done.result.err
    assert "Traceback" not in done.result.err
    assert (
        "cannot be trusted (no manifest vouches for it)" in done.result.err.strip().splitlines()[-1]
    )
    untouched(mock, settings)


# --- The output folder --------------------------------------------------------------------


@pytest.fixture
def read_only(tmp_path: Path, tmpfs: Callable[[str, str], Path]) -> Iterator[Path]:
    """A folder voicewipe cannot write in: a read-only file system as root (who may write in
    any folder), a folder without write permission otherwise."""
    if os.geteuid() == 0:
        yield tmpfs("read-only", "ro,size=1m")
        return
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


@pytest.mark.parametrize("command", [["wipe", "--yes"], ["export", "--no-audio"]])
def test_a_read_only_output_folder_is_refused_before_anything_starts(
    mock, settings, read_only, command
):
    """It was an internal error (OSError) when the run folder could not be made."""
    result = run_cli(*command, "--out", str(read_only), "--site", mock.url)
    message = one_line(result)
    assert message.startswith(f"--out {read_only}: cannot write there (")
    assert message.endswith("); choose another folder with --out")
    untouched(mock, settings, requests=True)


def test_a_file_where_the_output_folder_should_be_is_refused(mock, settings, tmp_path):
    """A file named like the folder, or a folder that would have to be made inside a file."""
    file = tmp_path / "recordings"
    file.write_text("not a folder", encoding="utf-8")
    result = run_cli("wipe", "--yes", "--out", str(file), "--site", mock.url)
    assert one_line(result) == f"--out {file}: is a file, not a folder; choose a folder with --out"
    inside = file / "sub"
    result = run_cli("wipe", "--yes", "--out", str(inside), "--site", mock.url)
    assert one_line(result) == (
        f"--out {inside}: cannot write there (Not a directory); choose another folder with --out"
    )
    assert file.read_text(encoding="utf-8") == "not a folder"
    untouched(mock, settings, requests=True)


def test_a_full_output_folder_stops_the_wipe_before_it_deletes(mock, settings, tmpfs):
    """A disk that fills up during the export (here a 256 KB tmpfs, a few screenshots) ends
    the run with one line saying so, exit 2, and the export never verifies, so nothing is
    deleted. It used to be an internal error, after a traceback per line the run's log file
    could not take."""
    full = tmpfs("full", "size=256k")
    result = run_cli("wipe", "--yes", "--json", "--out", str(full), "--site", mock.url)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    last = result.err.strip().splitlines()[-1]
    assert last.startswith("voicewipe: cannot write ")
    assert last.endswith(
        ": No space left on device; free some space or choose another folder with --out, then "
        "run the command again"
    )
    untouched(mock, settings)
    if result.out:  # a summary, if the run got as far as writing one, is whole JSON
        json.loads(result.out)
