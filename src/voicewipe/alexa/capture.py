"""The walk `voicewipe capture` records, read-only, once signed in: what a maintainer needs to
see of a person's privacy pages, and what a replay of the commands will ask for.

- the sign-in flow's landing (it finds the session alive: nothing is typed while recording),
  doctor.yaml's pages and elements, and capture.yaml (the hub; each history page with its
  filter menu opened and every recording chosen);
- each history's feed asked whether the account has it (the probe delete makes), then its
  first `pages` pages, and the audio of its first `audio` recordings;
- with `full`, instead of the first pages: what the rehearsals of export, delete and
  auto-delete ask for, run as rehearsals (they stop before the first click that would change
  anything), so that a replay of `wipe`, `delete` or `auto-delete` finds every answer.

What the walk fetches (export lines, audio) goes to a scratch folder in the run folder,
removed at the end; only the scrubbed capture leaves the run.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loguru import logger

from voicewipe import jsonlines
from voicewipe.alexa import contracts
from voicewipe.alexa.archive import Archive
from voicewipe.alexa.job import AlexaJob
from voicewipe.capture.recorder import Recorder
from voicewipe.errors import VoicewipeError
from voicewipe.runner.guard import Rehearsal


@dataclass(frozen=True)
class Walk:
    pages: int = 2  # of each feed (0: every page)
    audio: int = 2  # recordings whose audio is fetched, per history that has audio
    full: bool = False  # what the rehearsals ask for, instead of the first pages


async def _part(said: list[str], what: str, step: Awaitable[Any]) -> Any:
    """One part of the walk; a part that fails is said in the capture and the walk goes on
    (a changed page is what a capture is for)."""
    try:
        return await step
    except Rehearsal:
        said.append(f"{what}: rehearsed up to its first destructive step")
    except VoicewipeError as error:
        said.append(f"{what}: stopped: {error.message}")
        logger.warning(f"capture: {what} stopped ({error.message}); the walk goes on")
    return None


async def walk(job: AlexaJob, recorder: Recorder, how: Walk) -> list[str]:
    """Record the walk; returns what it covered, in words, for the capture's meta."""
    said: list[str] = []
    recorder.start()
    words = job.target.words.histories
    await _part(said, "sign-in", job.session_had_ended())
    await _part(said, "doctor", job.flow("doctor"))
    await _part(said, "pages", job.flow("capture", pages=[w.page for w in words.values()]))
    present = []
    for history in words:
        probe = job.flow("list", history=history, start_ms=1, end_ms=1, to="")
        out = await _part(said, f"{history} probe", probe)
        if out is not None and contracts.read(contracts.Listed, "list", out).present:
            present.append(history)
        else:
            said.append(f"{history}: the account has none")
    scratch = job.job.folder.path / "capture-scratch"
    try:
        if how.full:
            await _rehearsals(job, said, present, scratch)
        else:
            for history in present:
                await _first_pages(job, said, history, how, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return said


def _under_out(job: AlexaJob, path: Path) -> str:
    return str(path.resolve().relative_to(job.options.out_dir.resolve()))


async def _first_pages(
    job: AlexaJob, said: list[str], history: str, how: Walk, scratch: Path
) -> None:
    lines = scratch / f"{history}.jsonl"
    lines.parent.mkdir(parents=True, exist_ok=True)
    to = _under_out(job, lines)
    listing = job.flow("list", history=history, to=to, pages=how.pages)
    out = await _part(said, f"{history} feed", listing)
    if out is None:
        return
    listed = contracts.read(contracts.Listed, "list", out)
    pages = "every page" if how.pages == 0 else f"the first {how.pages} pages"
    said.append(f"{history}: {pages} of its feed, {listed.count} records")
    if not job.target.words.histories[history].audio or how.audio == 0 or not lines.exists():
        return
    records = [jsonlines.loads(line) for line in lines.read_bytes().splitlines() if line.strip()]
    uids = [r["utterance_id"] for r in records if r.get("utterance_id")]
    items = [{"uid": uid, "file": f"{n}.wav"} for n, uid in enumerate(uids[: how.audio])]
    fetching = job.flow("audio", items=items, dir=_under_out(job, scratch / "audio"))
    if await _part(said, f"{history} audio", fetching):
        said.append(f"{history}: the audio of {len(items)} recordings")


async def _rehearsals(job: AlexaJob, said: list[str], present: list[str], scratch: Path) -> None:
    """What a rehearsal of export, delete and auto-delete asks for, into a scratch export."""
    from voicewipe.alexa import autodelete, operations
    from voicewipe.alexa.operations import Period

    target = job.target
    archive = Archive.open(
        job.options.out_dir,
        marketplace=target.marketplace,
        account=target.account,
        site=target.site,
        kinds={name: words.audio for name, words in target.words.histories.items()},
        place=_under_out(job, scratch),
    )
    # Every history, as export and wipe ask for each (one the account lacks is asked too).
    every = list(target.words.histories)
    await _part(said, "export", operations.export_each(job, archive, Period(), every))
    said.append(f"export of {', '.join(present) or 'nothing'}: every page and audio file")
    for history in present:
        deleting = operations.delete(job, archive, Period(), history=history)
        await _part(said, f"delete {history}", deleting)
    await _part(said, "auto-delete", autodelete.auto_delete(job, archive, keep="3-months"))
