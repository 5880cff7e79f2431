"""The export's format, written down as JSON Schema (src/voicewipe/schemas, shipped in the
package): a real export of every history against the mock site, each line of its history
files and its manifest checked against the schemas with a real validator. And the schemas are
not vacuous: lines and manifests the code could get wrong are refused by them."""

from __future__ import annotations

import copy
import dataclasses
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest

HISTORY_FILES = {
    "voice": "voice-history.jsonl",
    "sounds": "sounds-history.jsonl",
    "smart-home": "smart-home-history.jsonl",
    "alexa-plus": "alexa-plus-history.jsonl",
}


def _schema(name: str) -> dict[str, Any]:
    """A schema as the installed package ships it."""
    text = (resources.files("voicewipe") / "schemas" / name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        _schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _problems(validator: jsonschema.Draft202012Validator, value: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in
            validator.iter_errors(value)]  # fmt: skip


@pytest.fixture(scope="module")
def line_schema() -> jsonschema.Draft202012Validator:
    return _validator("export-line.schema.json")


@pytest.fixture(scope="module")
def manifest_schema() -> jsonschema.Draft202012Validator:
    return _validator("manifest.schema.json")


def test_a_real_export_of_every_history_matches_the_schemas(
    mock, vw, tmp_path, line_schema, manifest_schema
):
    mock.reset(recordings=40, deletion_delay_s=0, alexa_plus=True)
    site = mock.state()["histories"]
    voice = vw("export", "--json", "--no-screenshots")
    assert voice.code == 0, voice.result.err
    for what in ("sounds", "smart-home", "alexa-plus"):
        done = vw("export", "--what", what, "--no-screenshots")
        assert done.code == 0, done.result.err
    # And a transcript-only export, whose audio is not known yet (has_audio null).
    other = tmp_path / "no-audio"
    quick = vw("export", "--no-audio", "--out", str(other), "--no-screenshots")
    quick = dataclasses.replace(quick, out=other)  # the last --out is the one used
    assert quick.code == 0, quick.result.err

    totals = {"voice": site["voice"]["total"], "sounds": site["sounds"]["total"],
              "smart-home": site["smarthome"]["total"],
              "alexa-plus": site["alexa-plus"]["total"]}  # fmt: skip
    for done, histories in ((voice, HISTORY_FILES), (quick, {"voice": HISTORY_FILES["voice"]})):
        archive = done.archive()
        manifest = done.manifest()
        assert not _problems(manifest_schema, manifest), _problems(manifest_schema, manifest)
        assert set(manifest["histories"]) == set(histories)
        for name, file in histories.items():
            lines = (archive / file).read_text(encoding="utf-8").splitlines()
            assert len(lines) == totals[name] > 0, name
            for number, line in enumerate(lines, 1):
                record = json.loads(line)
                problems = _problems(line_schema, record)
                assert not problems, f"{file}:{number}: {problems}"

    records = voice.records()
    assert any(r["audio"] for r in records) and any(r["has_audio"] is False for r in records)
    assert all(r["has_audio"] is None for r in quick.records())


# --- what the schemas refuse ---------------------------------------------------------------
LINE = {
    "record_key": "A1#1700000000000#DT#S1",
    "timestamp_ms": 1_700_000_000_000,
    "timestamp": "2023-11-14T22:13:20.000Z",
    "device": "Kitchen Echo",
    "device_id": "d-1",
    "profile": None,
    "transcript": "what time is it",
    "replacement_text": None,
    "response": "It is ten past ten.",
    "kind": "GENERAL",
    "record_type": "VOICE_HISTORY",
    "domain": None,
    "intent": None,
    "utterance_id": "DT:1.0/2023/11/14/22/S1/13:20::TNIH_2V.x",
    "speakers": ["Sam"],
    "raw": {"recordKey": "A1#1700000000000#DT#S1", "somethingNew": [1, 2]},
    "audio": "DT_1.0_2023_11_14_22_S1_13_20__TNIH_2V.x-0123456789.wav",
    "has_audio": True,
}


@pytest.mark.unit
@pytest.mark.parametrize(
    "change",
    [
        {"timestamp_ms": "1700000000000"},  # a template that lost its type
        {"timestamp": "2023-11-14 22:13:20"},  # not UTC ISO 8601
        {"record_key": None},
        {"has_audio": False},  # an audio file, but no audio
        {"audio": "../escaped.wav"},
        {"colour": "red"},  # a field nobody wrote down
        {"raw": "{'recordKey': 'A1'}"},  # the record re-serialised, not kept as it came
        {"speakers": "Sam"},
        {"speakers": [None]},
    ],
)
def test_the_line_schema_refuses_what_is_not_an_export_line(line_schema, change):
    assert not _problems(line_schema, LINE)
    assert _problems(line_schema, {**LINE, **change})


@pytest.mark.unit
@pytest.mark.parametrize("field", sorted(LINE))
def test_every_field_of_a_line_is_required(line_schema, field):
    line = {k: v for k, v in LINE.items() if k != field}
    assert _problems(line_schema, line)


MANIFEST = {
    "voicewipe": "0.1.0",
    "marketplace": "amazon.com",
    "account": "a@example.com",
    "site": "https://www.amazon.com",
    "created": "2026-12-01T21:00:00Z",
    "updated": "2026-12-01T21:00:05Z",
    "histories": {
        "voice": {
            "file": "voice-history.jsonl",
            "sha256": "ab" * 32,
            "records": 1,
            "with_audio": 1,
            "audio_pending": 0,
            "audio_wanted": True,
            "ranges": [
                {
                    "start_ms": 0,
                    "end_ms": 1_700_000_000_000,
                    "start": "1970-01-01T00:00:00.000Z",
                    "end": "2023-11-14T22:13:20.000Z",
                    "reported": 1,
                    "written": 1,
                    "listed_at": "2026-12-01T21:00:04Z",
                }
            ],
            "audio_files": {
                "a.wav": {"size": 10, "sha256": "cd" * 32, "record_key": "k", "mtime_ns": 1}
            },
        }
    },
}


def _changed(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """MANIFEST with the value at `path` replaced (or removed, for KeyError)."""
    manifest = copy.deepcopy(MANIFEST)
    *parents, last = path
    where: Any = manifest
    for key in parents:
        where = where[key]
    if value is KeyError:
        del where[last]
    else:
        where[last] = value
    return manifest


VOICE = ("histories", "voice")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("path", "value"),
    [
        ((*VOICE, "sha256"), "not-hex"),
        ((*VOICE, "records"), -1),
        ((*VOICE, "file"), "sounds-history.jsonl"),  # another history's file
        ((*VOICE, "audio_files", "a.wav"), {"size": 10, "sha256": "cd" * 32}),
        (
            (*VOICE, "audio_files", "../a.wav"),
            MANIFEST["histories"]["voice"]["audio_files"]["a.wav"],
        ),
        ((*VOICE, "ranges", 0, "reported"), "1"),
        ((*VOICE, "ranges", 0, "listed_at"), KeyError),
        ((*VOICE, "audio_files"), KeyError),
        (("histories", "music"), {}),
        (("histories", "alexa-plus"), MANIFEST["histories"]["voice"]),  # the voice file
        (("site",), KeyError),
        (("updated",), "yesterday"),
    ],
)
def test_the_manifest_schema_refuses_what_is_not_a_manifest(manifest_schema, path, value):
    assert not _problems(manifest_schema, MANIFEST)
    assert _problems(manifest_schema, _changed(path, value))


# --- the deletion ledger (deletions.jsonl) -----------------------------------------------------
# A real ledger's lines are checked against its schema where a real wipe writes them
# (tests/alexa/test_report.py); here, that the schema refuses what is not a ledger line.
LEDGER_LINE = {
    "history": "voice",
    "record_key": "A2VW1PEDEMO7Q3#1796188199026#A3S5BH2HU6VAYF#G090LF187F60B6F6",
    "deleted_at": "2026-12-02T07:57:40Z",
    "run": "20261202T075730Z-wipe",
}


@pytest.mark.unit
@pytest.mark.parametrize(
    "change",
    [
        {"history": "voicemail"},
        {"record_key": ""},
        {"deleted_at": "2026-12-02 07:57:40"},
        {"deleted_at": "2026-12-02T07:57:40.123+00:00"},
        {"run": ""},
        {"extra": 1},
    ],
)
def test_the_ledger_schema_refuses_what_is_not_a_ledger_line(change):
    validator = _validator("deletion-line.schema.json")
    assert not _problems(validator, LEDGER_LINE)
    assert _problems(validator, {**LEDGER_LINE, **change})
    for field in LEDGER_LINE:
        assert _problems(validator, {k: v for k, v in LEDGER_LINE.items() if k != field})
