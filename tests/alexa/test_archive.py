"""The export on disk without a browser: merging, resume, audio bookkeeping, what counts as
safe to delete, and damaged files."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from voicewipe.alexa import sitefiles
from voicewipe.alexa.archive import Archive, ForeignExport, audio_file_name
from voicewipe.errors import SafetyRefusal, UsageError

pytestmark = pytest.mark.unit  # no browser, no site: the archive on its own

ALWAYS = 2**53  # a range's open end


def _line(n: int, *, uid: str | None = None) -> dict[str, object]:
    return {
        "record_key": f"C#{1_700_000_000_000 + n}#DT#S{n}",
        "timestamp_ms": 1_700_000_000_000 + n,
        "timestamp": "x",
        "transcript": f"utterance {n}",
        "utterance_id": uid if uid is not None else f"DT:1.0/2024/06/03/07/S{n}/00:00::TNIH_2V.{n}",
    }


def _time(n: int) -> int:
    return 1_700_000_000_000 + n


# The histories of the shipped vocabulary.yaml, each with whether its records have audio.
KINDS = {name: h.audio for name, h in sitefiles.vocabulary(sitefiles.PACKAGED).histories.items()}


def _open(out: Path, kinds: dict[str, bool] = KINDS) -> Archive:
    return Archive.open(
        out, marketplace="amazon.com", account="a@example.com", site="https://x", kinds=kinds
    )


def _save_audio(archive: Archive, item: dict[str, str], data: bytes = b"RIFFdata") -> None:
    archive.audio_dir.mkdir(parents=True, exist_ok=True)
    (archive.audio_dir / item["file"]).write_bytes(data)


def test_audio_file_names_are_safe_and_distinct() -> None:
    a = audio_file_name("DT:1.0/2024/06/03/07/S1/00:00::TNIH_2V.x")
    b = audio_file_name("DT_1.0_2024_06_03_07_S1_00_00__TNIH_2V.x")  # same after replacing
    assert "/" not in a and ":" not in a and a.endswith(".wav")
    assert a != b
    assert audio_file_name("plain-id") == "plain-id.wav"


def test_merge_never_duplicates_and_keeps_audio_state(tmp_path: Path) -> None:
    archive = _open(tmp_path)
    assert archive.merge("voice", [_line(1), _line(2)], audio=True) == 2
    todo = archive.audio_todo("voice")
    _save_audio(archive, todo[0])
    archive.settle_audio("voice", todo)  # the second has no file: the site had no audio
    archive.save()

    again = _open(tmp_path)
    assert again.merge("voice", [_line(2), _line(1), _line(3)], audio=True) == 1
    entries = again.history("voice").entries
    assert len(entries) == 3
    assert entries[str(_line(1)["record_key"])].has_audio is True
    assert entries[str(_line(2)["record_key"])].has_audio is False
    assert [i["key"] for i in again.audio_todo("voice")] == [_line(3)["record_key"]]


def test_the_histories_and_their_audio_are_the_vocabulary_s(tmp_path: Path) -> None:
    """Which histories have audio is vocabulary.yaml's word, not the code's: a history a mended
    vocabulary adds gets its own file, and where it says `audio: false` its records are known
    to have none (no audio asked for), even with an utterance id."""
    assert KINDS == {"voice": True, "sounds": False, "smart-home": False, "alexa-plus": True}
    kinds = {**KINDS, "calls": False}
    archive = _open(tmp_path, kinds)
    archive.merge("calls", [_line(1)], audio=True)
    archive.merge("voice", [_line(2)], audio=True)
    assert archive.audio_todo("calls") == []
    assert archive.history("calls").entries[str(_line(1)["record_key"])].has_audio is False
    assert [i["key"] for i in archive.audio_todo("voice")] == [_line(2)["record_key"]]
    archive.save()
    assert (archive.root / "calls-history.jsonl").is_file()
    assert len(_open(tmp_path, kinds).history("calls").entries) == 1


def test_saved_files_round_trip_with_checksums(tmp_path: Path) -> None:
    archive = _open(tmp_path)
    archive.merge("voice", [_line(2), _line(1)], audio=True)
    archive.add_range("voice", 0, 2_000_000_000_000, reported=2)
    todo = archive.audio_todo("voice")
    for item in todo:
        _save_audio(archive, item, b"RIFF" + item["key"].encode())
    archive.settle_audio("voice", todo)
    archive.save()

    lines = (archive.root / "voice-history.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["timestamp_ms"] for x in lines] == sorted(
        json.loads(x)["timestamp_ms"] for x in lines
    )  # oldest first
    manifest = json.loads(archive.manifest_path.read_text(encoding="utf-8"))
    voice = manifest["histories"]["voice"]
    assert voice["records"] == 2 and voice["with_audio"] == 2
    assert voice["ranges"][0]["reported"] == voice["ranges"][0]["written"] == 2
    for name, entry in voice["audio_files"].items():
        data = (archive.audio_dir / name).read_bytes()
        assert entry == entry | {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert voice["sha256"] == hashlib.sha256("".join(f"{x}\n" for x in lines).encode()).hexdigest()


def test_only_verified_records_are_safe_to_delete(tmp_path: Path) -> None:
    archive = _open(tmp_path)
    archive.merge("voice", [_line(1), _line(2), _line(3), _line(4, uid="")], audio=True)
    todo = archive.audio_todo("voice")
    first, second, _third = todo  # the fourth has no utterance id: no audio to fetch
    _save_audio(archive, first)
    _save_audio(archive, second)
    archive.settle_audio("voice", [first, second])
    safe = archive.safe_to_delete("voice", 0, ALWAYS)
    assert set(safe) == {first["key"], second["key"], _line(4)["record_key"]}
    assert set(archive.safe_to_delete("voice", _time(2), _time(3))) == {second["key"]}

    (archive.audio_dir / second["file"]).write_bytes(b"RIFF changed on disk")
    assert second["key"] not in archive.safe_to_delete("voice", 0, ALWAYS)
    check = archive.check_audio("voice")
    assert check.bad == [second["key"]]  # and it goes back to the queue
    assert second["key"] in {i["key"] for i in archive.audio_todo("voice")}


def test_files_a_killed_run_saved_are_adopted_and_temporaries_removed(tmp_path: Path) -> None:
    archive = _open(tmp_path)
    archive.merge("voice", [_line(1), _line(2)], audio=True)
    archive.save()
    todo = archive.audio_todo("voice")
    _save_audio(archive, todo[0])  # saved, but the run died before the manifest said so
    leftover = archive.audio_dir / f".{todo[1]['file']}.123.tmp"
    leftover.write_bytes(b"RIFF half")

    again = _open(tmp_path)
    assert not leftover.exists()
    assert again.adopt_downloaded("voice") == 1
    assert [i["key"] for i in again.audio_todo("voice")] == [todo[1]["key"]]


def test_a_damaged_manifest_is_a_clear_error(tmp_path: Path) -> None:
    archive = _open(tmp_path)
    archive.merge("voice", [_line(1)], audio=False)
    archive.save()
    archive.manifest_path.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError, match=r"manifest\.json is damaged"):
        _open(tmp_path)


def _saved(tmp_path: Path, count: int = 5) -> Archive:
    """An export of `count` records without audio (so only the history file decides)."""
    archive = _open(tmp_path)
    archive.merge("voice", [_line(n, uid="") for n in range(1, count + 1)], audio=True)
    archive.save()
    return archive


def _history_file(archive: Archive) -> Path:
    return archive.root / "voice-history.jsonl"


def _drop_third(lines: list[str]) -> list[str]:
    return lines[:2] + lines[3:]


def _cut_last(lines: list[str]) -> list[str]:
    return [*lines[:-1], lines[-1][:20]]


def _garble_third(lines: list[str]) -> list[str]:
    return [*lines[:2], "not json\n", *lines[3:]]


def _edit_first(lines: list[str]) -> list[str]:
    return [lines[0].replace("utterance 1", "utterance 9"), *lines[1:]]


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (_drop_third, "it has 4 records where the manifest says 5"),
        (_cut_last, "its last line is cut off"),
        (_garble_third, "line 3 is not a whole export record"),
        (_edit_first, "its checksum is not the manifest's"),
    ],
)
def test_a_history_file_that_is_not_the_manifest_s_refuses_every_delete(
    tmp_path: Path, damage, why: str
) -> None:
    """The manifest's checksum and count are checked whenever the file is read: a line
    dropped, cut off, garbled or edited means no record of the history is safe to delete
    (the one missing would be deleted unexported), until an export mends the file."""
    archive = _saved(tmp_path)
    lines = _history_file(archive).read_text(encoding="utf-8").splitlines(keepends=True)
    _history_file(archive).write_text("".join(damage(lines)), encoding="utf-8")

    again = _open(tmp_path)
    assert again.history("voice").damage == why
    with pytest.raises(SafetyRefusal, match=r"cannot be trusted \(" + re.escape(why)):
        again.safe_to_delete("voice", 0, ALWAYS)

    again.merge("voice", [_line(n, uid="") for n in range(1, 6)], audio=True)  # listed again
    again.save()
    mended = _open(tmp_path)
    assert mended.history("voice").damage is None
    assert len(mended.safe_to_delete("voice", 0, ALWAYS)) == 5


def test_a_history_file_without_a_manifest_is_not_trusted(tmp_path: Path) -> None:
    archive = _saved(tmp_path)
    archive.manifest_path.unlink()
    assert _open(tmp_path).history("voice").damage == "no manifest vouches for it"


def test_audio_changed_in_place_with_its_time_restored_is_not_safe(tmp_path: Path) -> None:
    """Size and modification time are no proof: before a delete every file is hashed."""
    archive = _open(tmp_path)
    archive.merge("voice", [_line(1)], audio=True)
    (item,) = archive.audio_todo("voice")
    _save_audio(archive, item, b"RIFF-the-real-audio")
    archive.settle_audio("voice", [item])
    archive.save()
    path = archive.audio_dir / item["file"]
    before = path.stat()
    path.write_bytes(b"RIFF-other-bytes!!!")  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    assert _open(tmp_path).safe_to_delete("voice", 0, ALWAYS) == {}


def test_an_export_of_another_site_is_refused(tmp_path: Path) -> None:
    """Two sites' histories never merge, and one site's manifest vouches for nothing of
    another's."""
    _saved(tmp_path)
    with pytest.raises(ForeignExport, match="holds the export of https://x, not of https://y"):
        Archive.open(
            tmp_path, marketplace="amazon.com", account="a@example.com", site="https://y",
            kinds=KINDS,
        )  # fmt: skip
