"""What the viewer's tests read off a page and off the folder on disk."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

LAUNCH_ARGS = ["--autoplay-policy=no-user-gesture-required"]


def history_lines(root: Path) -> dict[str, list[dict[str, Any]]]:
    """Each history file's records, as on disk."""
    return {
        path.name.removesuffix("-history.jsonl"): [
            json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
        ]
        for path in sorted(root.glob("*-history.jsonl"))
    }


def every_record(root: Path) -> list[dict[str, Any]]:
    """Every record of every history, each with its history under `_history`."""
    return [
        {**record, "_history": name}
        for name, found in history_lines(root).items()
        for record in found
    ]


def rows(page: Any) -> list[dict[str, str]]:
    """The rows the page shows: time (UTC ISO), transcript, reply, who, exported, deleted."""
    return list(
        page.eval_on_selector_all(
            ".row",
            """rows => rows.map(r => ({
                time: r.querySelector('time.date').dateTime,
                said: r.querySelector('.said').textContent,
                reply: r.querySelector('.reply').textContent,
                who: r.querySelector('.who').textContent,
                exported: (r.querySelector('.exported time') || {}).dateTime || '',
                deleted: (r.querySelector('.gone time') || {}).dateTime || '',
            }))""",
        )
    )


def shown_count(page: Any) -> int:
    """The N of "Showing N of M recordings"."""
    text = page.text_content("#shown")
    return int(text.split()[1].replace(",", ""))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))
