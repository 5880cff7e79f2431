"""Marketplaces and languages: the wipe in each language the mock speaks, the flows folder's
data files kept consistent, the shipped flows valid and packaged, and a mended copy of the
flows folder (--flows) really used. Runs whose screenshots no test looks at take none
(--no-screenshots), which keeps them quick."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from mockwords import checked_retention_label

from clirun import run_cli
from voicewipe.alexa.sitefiles import PACKAGED

FLOWS = Path(__file__).resolve().parents[2] / "flows" / "alexa"


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _marketplaces() -> dict[str, Any]:
    return dict(_yaml(FLOWS / "marketplaces.yaml")["marketplaces"])


def _labels(language: str) -> dict[str, Any]:
    return dict(_yaml(FLOWS / "languages" / f"{language}.yaml")["labels"])


def _keys(labels: dict[str, Any], prefix: str = "") -> set[str]:
    """Every key path of a nested mapping: {"pages.voice", "retention.THREE_MONTHS", ...}."""
    out: set[str] = set()
    for key, value in labels.items():
        path = f"{prefix}{key}"
        out.add(path)
        if isinstance(value, dict):
            out |= _keys(value, f"{path}.")
    return out


@pytest.mark.parametrize(
    ("marketplace", "language"),
    [("amazon.co.uk", "en-GB"), ("amazon.de", "de-DE"), ("amazon.co.jp", "ja-JP")],
)
def test_wipe_in_each_language(mock, vw, out, marketplace, language):
    """The flows work on each marketplace's wording, and the export is filed under it."""
    mock.reset(recordings=20, locale=language, deletion_delay_s=0)
    done = vw("wipe", "--yes", "--json", "--marketplace", marketplace, "--no-screenshots")
    assert done.code == 0, done.result.err
    state = mock.state()
    assert state["histories"]["voice"]["total"] == 0
    assert state["settings"]["retention"] == "THREE_MONTHS"

    summary = done.summary
    assert summary["marketplace"] == marketplace
    assert summary["auto_delete"]["retention"] == "3-months"
    # The label the site's page shows checked, in its own words (not the flows' language file,
    # whose wording for the setting read back is what the summary reports).
    assert summary["auto_delete"]["retention_label"] == checked_retention_label(mock)
    assert summary["delete"]["deleted"] == 20

    archive = out / marketplace / "demo@example.com"
    assert summary["export"]["folder"] == str(archive)
    assert len(done.records(marketplace)) == 20
    assert done.manifest(marketplace)["histories"]["voice"]
    assert not (out / "amazon.com").exists()


def test_rehearsal_in_german_stops_before_deleting(mock, vw):
    """Without --yes the German run outlines the delete button, screenshots it, and stops."""
    mock.reset(recordings=20, locale="de-DE")
    done = vw("wipe", "--marketplace", "amazon.de")
    assert done.code == 0, done.result.err
    assert "nothing was deleted" in done.result.out.lower()

    run = done.run_json
    assert run["outcome"] == "rehearsal"
    assert run["destructive_steps_done"] == 0
    step = next(s for s in run["steps"] if s["number"] == run["rehearsed_step"])
    assert step["outcome"] == "rehearsed"
    assert step["destructive"] is True
    assert step["label"] == "Delete all of my recordings"
    assert step["file"].endswith("delete.yaml")
    assert step["screenshot"] and (done.run_folders[-1] / step["screenshot"]).is_file()

    state = mock.state()
    assert state["histories"]["voice"]["total"] == 20
    assert state["histories"]["voice"]["deleted"] == 0
    assert state["deletions"] == []
    assert state["settings"]["retention"] == "UNTIL_DELETED"
    assert len(done.records("amazon.de")) == 20  # the export happened; only deleting waits


@pytest.mark.unit
def test_every_language_has_the_same_labels():
    """A label missing from one language would only show up as a failure on that marketplace."""
    expected = _keys(_labels("en-US"))
    files = sorted((FLOWS / "languages").glob("*.yaml"))
    assert len(files) >= 4
    for file in files:
        data = _yaml(file)
        assert data["language"] == file.stem
        assert _keys(data["labels"]) == expected, file.name


@pytest.mark.unit
def test_every_marketplace_names_an_existing_language():
    markets = _marketplaces()
    assert {"amazon.com", "amazon.co.uk", "amazon.de", "amazon.co.jp"} <= set(markets)
    for name, market in markets.items():
        assert (FLOWS / "languages" / f"{market['language']}.yaml").is_file(), name


def test_unknown_marketplace_lists_the_known_ones(vw):
    """A mistyped marketplace is invalid input (exit 2), and the message says what is known."""
    done = vw("export", "--no-audio", "--marketplace", "amazon.fr")
    assert done.code == 2, done.result.err
    assert "amazon.fr" in done.result.err
    for name in _marketplaces():
        assert name in done.result.err
    assert "Traceback" not in done.result.err


@pytest.mark.unit
def test_shipped_flows_validate():
    files = sorted(p for p in FLOWS.glob("*.yaml") if p.name != "marketplaces.yaml")
    assert {p.stem for p in files} >= {"sign-in", "list", "audio", "delete", "auto-delete"}
    result = run_cli("validate", *map(str, files))
    assert result.code == 0, result.err
    for file in files:
        assert f"{file}: ok" in result.out


@pytest.mark.unit
def test_packaged_flows_are_the_repositorys():
    """The flows an installed voicewipe uses are the ones in the repository."""

    def tree(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }

    packaged, repository = tree(PACKAGED), tree(FLOWS)
    assert sorted(packaged) == sorted(repository)
    assert packaged == repository


def test_a_mended_flows_folder_is_used(mock, vw, tmp_path):
    """--flows DIR takes the labels from DIR: a wrong page title there stops the delete at
    its page check, before anything is deleted."""
    mended = tmp_path / "flows"
    shutil.copytree(FLOWS, mended)
    english = mended / "languages" / "en-US.yaml"
    text = english.read_text(encoding="utf-8")
    assert 'voice: "Review Voice History"' in text
    english.write_text(
        text.replace('voice: "Review Voice History"', 'voice: "Voice History Mended"'),
        encoding="utf-8",
    )

    mock.reset(recordings=20)
    exported = vw("export", "--no-audio", "--flows", str(mended), "--no-screenshots")
    assert exported.code == 0, exported.result.err
    done = vw("delete", "--all", "--yes", "--flows", str(mended), "--timeout", "3")
    assert done.code == 1, done.result.err
    message = done.result.err[done.result.err.rindex("voicewipe: ") :]
    assert "\n" not in message.strip()
    assert "Check the page" in message
    assert "Voice History Mended" in message
    assert f"voicewipe: {mended / 'delete.yaml'}:" in message
    assert done.run_json["destructive_steps_done"] == 0

    state = mock.state()
    assert state["histories"]["voice"]["total"] == 20
    assert state["deletions"] == []


def test_flows_folder_without_marketplaces_is_invalid(vw, tmp_path):
    empty = tmp_path / "not-flows"
    empty.mkdir()
    done = vw("export", "--no-audio", "--flows", str(empty))
    assert done.code == 2, done.result.err
    assert "marketplaces.yaml" in done.result.err
    assert str(empty) in done.result.err
