"""The export as CSV and as plain text, for a spreadsheet or an editor.

The JSON lines stay the verified source of truth; these are written beside them from what is
on disk. recordings.csv is UTF-8 with a byte order mark: without it Excel reads a CSV in the
machine's ANSI code page and mangles every non-English transcript (LibreOffice, Numbers and
Python's csv with encoding="utf-8-sig" take the mark in their stride). A cell a spreadsheet
would run as a formula (one starting with = + - @, a tab or a carriage return: OWASP's list)
is written with a leading apostrophe, which shows the text as text; the JSON lines keep it as
said.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from pathlib import Path

from voicewipe.fsutil import atomic_writer
from voicewipe.viewer.records import ExportFolder, Recording

CSV_FILE = "recordings.csv"
TEXT_FILE = "transcripts.txt"
FORMATS = {"csv": CSV_FILE, "text": TEXT_FILE}
CSV_COLUMNS = (
    "history",
    "time (UTC)",
    "device",
    "speaker",
    "transcript",
    "reply",
    "audio file",
    "exported",
    "deleted from Amazon",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """`text` as a spreadsheet shows it as text, never runs it (CSV formula injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _audio_path(recording: Recording) -> str:
    return f"audio/{recording.audio}" if recording.audio else ""


def csv_row(recording: Recording) -> list[str]:
    return [
        recording.history,
        recording.timestamp,
        safe_cell(recording.device),
        safe_cell(recording.speaker),
        safe_cell(recording.transcript),
        safe_cell(recording.reply),
        _audio_path(recording),
        recording.exported,
        recording.deleted,
    ]


def write_csv(folder: ExportFolder) -> Path:
    """recordings.csv: a header, then one row per recording, oldest first."""
    path = folder.root / CSV_FILE
    with atomic_writer(path, mode=0o600) as out:
        out.write(codecs.BOM_UTF8)
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        # RFC 4180: every field that holds a comma, a quote or a line break is quoted, and
        # rows end in CRLF; a transcript's own line breaks stay inside its quotes.
        writer = csv.writer(text, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_row(r) for r in folder.recordings)
        text.detach()  # the atomic writer closes the file itself
    return path


def _indented(label: str, text: str) -> list[str]:
    """`label text`, a line break inside the text continued under it, indented as far."""
    lines = text.split("\n")
    pad = " " * (len(label) + 1)
    return [f"  {label} {lines[0]}", *(f"  {pad}{more}" for more in lines[1:])]


def text_block(recording: Recording) -> list[str]:
    """One recording as a few readable lines."""
    who = " · ".join(p for p in (recording.device, recording.speaker) if p)
    head = f"{recording.timestamp}  [{recording.history}]" + (f"  {who}" if who else "")
    block = [head, *_indented("said: ", recording.transcript)]
    if recording.reply:
        block += _indented("reply:", recording.reply)
    if recording.audio:
        block.append(f"  audio: {_audio_path(recording)}")
    block.append(f"  exported: {recording.exported or 'not in a finished listing'}")
    if recording.deleted:
        block.append(f"  deleted from Amazon: {recording.deleted}")
    return block


def _text_lines(folder: ExportFolder) -> Iterable[str]:
    counts = ", ".join(f"{h.name} {h.records}" for h in folder.histories)
    yield f"Alexa history of {folder.account} ({folder.marketplace}), oldest first: {counts}"
    yield "Times are UTC."
    for recording in folder.recordings:
        yield ""
        yield from text_block(recording)


def write_text(folder: ExportFolder) -> Path:
    """transcripts.txt: one block per recording, oldest first."""
    path = folder.root / TEXT_FILE
    with atomic_writer(path, mode=0o600) as out:
        for line in _text_lines(folder):
            out.write(line.encode("utf-8") + b"\n")
    return path


WRITERS = {"csv": write_csv, "text": write_text}
