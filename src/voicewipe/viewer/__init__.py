"""What a person opens to look at an export: index.html, and the CSV and text files beside it.

    write_viewer(account_folder)            # <account folder>/index.html
    write_formats(account_folder, ["csv"])  # recordings.csv (and "text": transcripts.txt)

Both read the folder from disk (what they show is what is on disk) and write atomically. The
commands that write into an export call after_command() once at the end, after the deletion
ledger is written, so that the deleted times are in what they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from loguru import logger

from voicewipe.errors import VoicewipeError
from voicewipe.fsutil import atomic_writer
from voicewipe.viewer.formats import CSV_FILE, FORMATS, TEXT_FILE, WRITERS
from voicewipe.viewer.page import VIEWER_FILE, page_parts
from voicewipe.viewer.records import MANIFEST, ExportFolder, read_export, sources


def write_viewer(account_folder: Path, folder: ExportFolder | None = None) -> Path:
    """<account_folder>/index.html, from the folder as it is on disk."""
    folder = folder or read_export(account_folder)
    path = account_folder / VIEWER_FILE
    with atomic_writer(path, mode=0o600) as out:
        for part in page_parts(folder):
            out.write(part)
    return path


def write_formats(
    account_folder: Path, formats: Iterable[str], folder: ExportFolder | None = None
) -> list[Path]:
    """The CSV and text files named (FORMATS' keys), from the folder as it is on disk."""
    wanted = list(dict.fromkeys(formats))
    if not wanted:
        return []
    folder = folder or read_export(account_folder)
    return [WRITERS[name](folder) for name in wanted]


def stale(account_folder: Path) -> bool:
    """The viewer is missing, or older than a file it is made from."""
    viewer = account_folder / VIEWER_FILE
    if not viewer.is_file():
        return True
    made = viewer.stat().st_mtime_ns
    return any(path.stat().st_mtime_ns > made for path in sources(account_folder))


def after_command(account_folder: Path, formats: Iterable[str] = ()) -> Path | None:
    """At the end of a command that may have written into the export: the viewer again, and
    the formats asked for and those already there (so that a CSV written once stays current).
    None when the folder holds no export. A viewer that cannot be written is said, never the
    command's failure: the export itself is whole and verified by then."""
    if not (account_folder / MANIFEST).is_file():
        return None
    present = [name for name, file in FORMATS.items() if (account_folder / file).is_file()]
    try:
        folder = read_export(account_folder)
        write_formats(account_folder, [*formats, *present], folder)
        return write_viewer(account_folder, folder)
    except (OSError, VoicewipeError) as error:
        logger.warning(f"could not write the export's viewer: {error}")
    except Exception as error:  # a bug of the viewer's: in the log, and the export stands
        from voicewipe.logs import log_bug

        logger.warning(f"could not write the export's viewer (a bug; see {log_bug(error)})")
    return None


__all__ = [
    "CSV_FILE",
    "FORMATS",
    "TEXT_FILE",
    "VIEWER_FILE",
    "after_command",
    "stale",
    "write_formats",
    "write_viewer",
]
