"""The contracts between the commands and the Alexa flows (alexa/contracts.py): a mended copy of
flows/alexa/ that breaks one is refused by `voicewipe validate` and by every command before any
browser starts (nothing asked of the site, no password typed), with one located line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clirun import run_cli
from voicewipe.alexa import sitefiles


@pytest.fixture
def mended(tmp_path: Path) -> Path:
    folder = tmp_path / "flows"
    shutil.copytree(sitefiles.PACKAGED, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


BREAKS = {
    "an-output-missing": (
        "delete.yaml",
        '  remaining: {value: "{{ left | length if left is not none else none }}", type: integer,'
        " nullable: true}\n",
        "",
        "outputs needs `remaining` (integer?): voicewipe reads it",
    ),
    "an-input-mistyped": (
        "delete.yaml",
        "  require_export: {type: boolean, default: true}",
        "  require_export: {type: string, default: 'yes'}",
        "inputs.require_export is string; voicewipe passes a boolean",
    ),
    "an-input-voicewipe-does-not-pass": (
        "list.yaml",
        "  to: {type: string, description:",
        "  folder: {type: string}\n  to: {type: string, description:",
        "inputs.folder has no default, and voicewipe does not pass it",
    ),
    "an-output-of-another-type": (
        "list.yaml",
        '  count: {value: "{{ listed.count }}", type: integer}',
        '  count: {value: "{{ listed.count }}", type: string}',
        "outputs.count gives string; voicewipe reads integer (declare {value: ..., type: integer})",
    ),
    "a-label-missing": (
        "languages/de-DE.yaml",
        '  confirm_title: "Aufnahmen löschen?"\n',
        "",
        "labels needs `confirm_title`: a flow uses labels.confirm_title",
    ),
    "an-unknown-label": (
        "languages/en-GB.yaml",
        "  confirm_delete:",
        '  confirm_delet: "Delete"\n  confirm_delete:',
        "labels.confirm_delet: no flow uses it (misspelt?)",
    ),
    "a-step-kind-misspelt": (
        "list.yaml",
        "  - label: Open the history page\n    proof: history-listed\n    goto:",
        "  - label: Open the history page\n    proof: history-listed\n    gotoo:",
        "unknown step kind; did you mean 'goto'?",
    ),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_a_broken_contract_is_one_located_line_before_any_browser(mock, vw, mended, case):
    file, old, new, said = BREAKS[case]
    _edit(mended / file, old, new)

    checked = run_cli("validate", str(mended))
    assert checked.code == 2
    assert said in checked.err, checked.err
    assert checked.err.count(said) == 1  # said once, though two checks meet it

    done = vw("delete", "--all", "--yes", "--flows", str(mended))
    assert done.code == 2, done.result.err
    (line,) = done.result.err.strip().splitlines()
    assert line.startswith(f"voicewipe: {mended / file}:"), line
    assert said in line
    state = mock.state()
    assert state["requests"]["total"] == 0  # no browser asked the site for anything
    assert state["signin"]["password_attempts"] == 0
    assert not (done.out / "runs").exists()


def test_the_line_names_where_the_output_is_missing(mended):
    _edit(
        mended / "delete.yaml",
        '  remaining: {value: "{{ left | length if left is not none else none }}", type: integer,'
        " nullable: true}\n",
        "",
    )
    checked = run_cli("validate", str(mended))
    outputs = _line_of(mended / "delete.yaml", "outputs:")
    assert f"{mended / 'delete.yaml'}:{outputs}:1: outputs needs `remaining`" in checked.err


def test_the_shipped_flows_keep_every_contract():
    checked = run_cli("validate", str(sitefiles.PACKAGED))
    assert checked.code == 0, checked.err
    assert f"{sitefiles.PACKAGED}: ok (7 flows keep what the commands need)" in checked.out


def test_the_commands_choices_are_the_vocabulary_s(mock, vw, mended):
    """--what, the auto-delete setting and wipe --keep come from vocabulary.yaml."""
    done = vw("export", "--what", "chats")
    assert done.code == 2
    assert "--what: 'chats' is not one of voice, sounds, smart-home" in done.result.err
    _edit(mended / "vocabulary.yaml", "  dont-save: {setting: DONT_SAVE, keep_days: 0}",
          "  dont-save: {setting: DONT_SAVE, keep_days: 0, option: never}")  # fmt: skip
    done = vw("auto-delete", "dont-save", "--flows", str(mended))
    assert done.code == 2
    assert "keep: 'dont-save' is not one of 3-months, 18-months, off, never" in done.result.err
    assert mock.state()["requests"]["total"] == 0


def test_a_slip_in_the_vocabulary_is_one_located_line(mock, vw, mended):
    _edit(mended / "vocabulary.yaml", "keep_days: 89", "keep_days: ninety")
    done = vw("auto-delete", "3-months", "--yes", "--flows", str(mended))
    assert done.code == 2, done.result.err
    (line,) = done.result.err.strip().splitlines()
    where = _line_of(mended / "vocabulary.yaml", "keep_days: ninety")
    assert line.startswith(f"voicewipe: {mended / 'vocabulary.yaml'}:{where}:"), line
    assert "keep_days" in line
    assert mock.state()["requests"]["total"] == 0
