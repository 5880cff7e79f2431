"""What a verified export vouches for, without a browser: which parts of a delete's range its
check must list again, and how many records the export counts for in the rest."""

from __future__ import annotations

from pathlib import Path

from voicewipe.alexa.archive import Archive, iso_ms
from voicewipe.alexa.coverage import Cover, cover

HOUR = 3_600_000
DAY = 24 * HOUR
LATE = DAY
T0 = 1_700_000_000_000  # the oldest record


def _line(ms: int, device: str = "Kitchen") -> dict[str, object]:
    return {
        "record_key": f"C#{ms}#DT#{device}",
        "timestamp_ms": ms,
        "timestamp": iso_ms(ms),
        "device": device,
        "transcript": "what time is it",
        "utterance_id": f"DT:1.0/{ms}/{device}",
    }


def _export(tmp: Path, lines: list[dict[str, object]], *, start: int, end: int, listed: int,
            reported: int | None = None) -> Archive:  # fmt: skip
    """An archive holding `lines` with their audio saved, and one listing of [start, end]
    made at `listed` (ms) in which the site reported `reported` records."""
    archive = Archive.open(tmp, marketplace="amazon.com", account="a@example.com", site="x")
    archive.merge("voice", lines, audio=True)
    todo = archive.audio_todo("voice")
    archive.audio_dir.mkdir(parents=True, exist_ok=True)
    for item in todo:
        (archive.audio_dir / item["file"]).write_bytes(b"RIFF" + item["key"].encode())
    archive.settle_audio("voice", todo)
    within = [line for line in lines if start <= int(str(line["timestamp_ms"])) <= end]
    archive.add_range("voice", start, end, len(within) if reported is None else reported)
    archive.history("voice").ranges[-1]["listed_at"] = iso_ms(listed)
    archive.save()
    return archive


def _cover(archive: Archive, start: int = 0, end: int = 0, *, parts: int = 16,
           device: str | None = None) -> Cover:  # fmt: skip
    history, verified = archive.history("voice"), archive.verified("voice")
    return cover(history, verified, start, end, late_ms=LATE, parts=parts, device=device)


def test_a_complete_export_of_all_history_leaves_only_what_may_have_arrived(tmp_path: Path):
    times = [T0 + i * HOUR for i in range(200)]  # 200 records an hour apart
    newest = times[-1]
    archive = _export(
        tmp_path, [_line(t) for t in times], start=0, end=newest + 5, listed=newest + 5
    )

    checked = _cover(archive)
    # Listed again: from a day before the newest exported record to now (open end).
    assert checked.windows == [[newest - LATE + 1, 0]]
    assert checked.vouched == sum(1 for t in times if t <= newest - LATE)
    # The verified keys the listed part can meet are given to the flow to check against.
    assert set(checked.exported) == {_line(t)["record_key"] for t in times if t > newest - LATE}


def test_an_incomplete_listing_vouches_for_nothing(tmp_path: Path):
    times = [T0 + i * 1000 for i in range(1500)]
    archive = _export(
        tmp_path, [_line(t) for t in times], start=0, end=times[-1], listed=times[-1], reported=1600
    )
    checked = _cover(archive, parts=3)
    assert checked.vouched == 0
    # The whole range, in windows of about as many exported records each, the last one open.
    assert len(checked.windows) == 3
    assert checked.windows[0][0] == 0 and checked.windows[-1][1] == 0
    assert all(a[1] + 1 == b[0] for a, b in zip(checked.windows, checked.windows[1:], strict=False))
    assert len(checked.exported) == 1500


def test_a_record_whose_audio_is_damaged_is_listed_again(tmp_path: Path):
    times = [T0 + i * HOUR for i in range(100)]
    archive = _export(tmp_path, [_line(t) for t in times], start=0, end=times[-1], listed=times[-1])
    damaged = times[10]
    (
        archive.audio_dir / archive.items("voice", [str(_line(damaged)["record_key"])])[0]["file"]
    ).write_bytes(b"changed")
    again = Archive.open(tmp_path, marketplace="amazon.com", account="a@example.com", site="x")

    checked = _cover(again)
    assert [damaged, damaged] in checked.windows  # its own moment is listed: refused if there
    assert str(_line(damaged)["record_key"]) not in checked.exported
    assert checked.vouched == sum(1 for t in times if t <= times[-1] - LATE) - 1


def test_a_range_listed_well_after_its_end_is_vouched_for_whole(tmp_path: Path):
    times = [T0 + i * HOUR for i in range(100)]
    end = times[-1] + HOUR
    archive = _export(tmp_path, [_line(t) for t in times], start=T0, end=end, listed=end + 30 * DAY)

    checked = _cover(archive, T0, end)
    assert checked.windows == []  # nothing to list: the export vouches for all of it
    assert checked.vouched == 100
    # A wider range: the parts the export never listed are listed.
    wider = _cover(archive, 0, 0)
    assert wider.windows == [[0, T0 - 1], [end + 1, 0]]
    assert wider.vouched == 100


def test_the_device_asked_for_is_counted_alone(tmp_path: Path):
    times = [T0 + i * HOUR for i in range(100)]
    lines = [_line(t, "Kitchen" if i % 4 else "Bedroom") for i, t in enumerate(times)]
    end = times[-1] + 1
    archive = _export(tmp_path, lines, start=0, end=end, listed=end + 10 * DAY)

    assert _cover(archive, device="Bedroom").vouched == 25
    assert _cover(archive, device="Kitchen").vouched == 75
    assert _cover(archive, device="Hall").vouched == 0


def test_no_export_or_a_damaged_range_lists_everything(tmp_path: Path):
    empty = Archive.open(tmp_path / "a", marketplace="amazon.com", account="a@e.com", site="x")
    assert _cover(empty).windows == [[0, 0]] and _cover(empty).vouched == 0

    times = [T0 + i * HOUR for i in range(10)]
    archive = _export(tmp_path / "b", [_line(t) for t in times], start=0, end=T0 + DAY, listed=T0)
    archive.history("voice").ranges[0]["listed_at"] = "yesterday"  # a hand edit
    assert _cover(archive).windows == [[0, 0]] and _cover(archive).vouched == 0
