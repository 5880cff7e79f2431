"""`voicewipe capture --diff OLD NEW` between captures the real command makes of the mock site:
against its drift variant it names every renamed element and reworded label (taken from the
mock's own tables, i18n.NAMES/DRIFT_NAMES and the locale's `drift:` labels), with the flows'
lines that use them; two captures of the same variant say nothing changed; a file that is no
capture is one line. --json, other personal values and a feed's changes: test_diff_more.py."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import Result, run_cli
from voicewipe.mock.i18n import DRIFT_NAMES, NAMES, locale

pytestmark = pytest.mark.e2e

# scripts/captures' options for the mock: the same data, the same fakes
MOCK = [
    f"--mock-option={option}"
    for option in ("recordings=12", "audio_bytes=2000", "seed=7", "now=2026-11-30T12:00:00+00:00")
]
RECORDED = Path(__file__).resolve().parents[2] / "recordings" / "captures" / "mock-en-US.har"
# The names of the mock's table on the pages the walk opens (the rest only show while a
# deletion runs): every one the drift variant renames must be said renamed.
ON_THE_PAGES = (
    "filter_bar", "filter_menu", "date_menu", "device_menu", "filter_row", "date_radio",
    "custom_range", "date_start", "date_end", "delete_all", "box", "record_info", "device",
    "profile", "preview", "transcript", "replacement", "expand", "play", "delete", "message",
    "dialog", "confirm", "cancel", "retention_radio", "retention_confirm",
    "voice_delete_toggle", "improve_toggle",
)  # fmt: skip
# The labels of the locale's table that those pages show whole (as an element's only text).
LABELS_SHOWN = (
    "date_LAST_7_DAYS", "date_LAST_30_DAYS", "date_ALL_HISTORY", "date_CUSTOM",
    "delete_all_TODAY", "filter_date", "confirm_delete", "confirm_cancel", "delete_entry",
    "end_of_list", "no_records", "retention_title", "retention_confirm", "voice_delete_title",
)  # fmt: skip
NO_CHANGE = re.compile(
    r"No change in what the flows rely on between (\S+) and (\S+) \((\d+) pages, (\d+) feeds "
    r"compared\)"
)


def _capture(folder: Path, name: str, *options: str) -> Path:
    out = folder / f"{name}.har"
    done = subprocess.run(
        [sys.executable, "-m", "voicewipe", "capture", "--mock", *MOCK, *options, "--out",
         str(out), "--runs", str(folder / "runs"), "--no-screenshots"],
        capture_output=True, text=True, timeout=180, check=False,
        env={**os.environ, "XDG_STATE_HOME": str(folder / "state")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The mock as recordings/captures/mock-en-US.har has it (made by scripts/captures), the
    same made again here, and redesigned (drift), one after another: the two share the
    keyring's one key for saved sign-ins. The one made again also says whether the capture in
    recordings/ still is what the mock and the walk make today."""
    folder = tmp_path_factory.mktemp("captures")
    return {
        "classic": RECORDED,
        "again": _capture(folder, "again", "--full"),
        # Each element doctor.yaml looks for and the redesign renamed is waited for up to the
        # step timeout: a short one, for a mock on this machine.
        "drift": _capture(folder, "drift", "--mock-option", "drift=true", "--timeout", "1.5"),
    }


def _diff(old: Path, new: Path, *more: str) -> Result:
    done = run_cli("capture", "--diff", str(old), str(new), *more, timeout=240)
    assert "Traceback" not in done.err, done.err
    return done


def _token(name: str, out: str) -> str:
    """How the output spells one of the mock's names: #id, .class or [name=radio]."""
    for spelt in (f"#{name}", f".{name}", f"[name={name}]"):
        if re.search(re.escape(spelt) + r"(?![\w-])", out):
            return spelt
    raise AssertionError(f"{name} is not in the output:\n{out}")


def test_the_drift_variant_names_renamed_elements_and_reworded_labels(captures):
    done = _diff(captures["classic"], captures["drift"])
    assert done.code == 1, done.err
    out = done.out
    for key in ON_THE_PAGES:
        old, new = NAMES[key], DRIFT_NAMES[key]
        assert old != new, key
        said = f"renamed: {_token(old, out)} -> {_token(new, out)} "
        assert said in out, f"{key}: no {said!r} in\n{out}"
    labels, drift = locale("en-US").labels, locale("en-US", drift=True).labels
    for key in LABELS_SHOWN:
        assert labels[key] != drift[key], key
        said = f"{labels[key]!r} -> {drift[key]!r}"
        assert re.search(r"reworded: .*" + re.escape(said), out), f"{key}: {said} in\n{out}"
    # Which flows rely on them: the lines of flows/alexa that name them.
    bar = next(line for line in out.splitlines() if "#filters-selected-bar ->" in line)
    assert re.search(r"capture\.yaml:\d+", bar) and re.search(r"delete\.yaml:\d+", bar), bar
    period = next(line for line in out.splitlines() if "'All history' -> 'All time'" in line)
    assert "languages/en-US.yaml:" in period and "(labels.date.ALL_HISTORY)" in period, period
    assert out.splitlines()[0].startswith(f"OLD {captures['classic']}: made ")
    assert "drift=true, amazon.com, en-US" in out.splitlines()[1]


def test_the_same_variant_twice_says_nothing_changed(captures):
    done = _diff(captures["classic"], captures["again"])
    assert done.code == 0, done.out
    lines = done.out.strip().splitlines()
    assert len(lines) == 1, done.out
    found = NO_CHANGE.fullmatch(lines[0])
    assert found, lines[0]
    assert found.group(1, 2) == (str(captures["classic"]), str(captures["again"]))
    assert int(found.group(3)) >= 5 and int(found.group(4)) >= 3, lines[0]


def test_a_file_that_is_no_capture_is_one_line(captures, tmp_path):
    bad = tmp_path / "notes.har"
    bad.write_text("not a capture", encoding="utf-8")
    done = _diff(captures["classic"], bad)
    assert done.code == 2 and done.out == "", done.err
    lines = done.err.strip().splitlines()
    assert lines[-1].startswith(f"voicewipe: {bad}: not a voicewipe capture ("), done.err
    assert len(lines) == 1, done.err
