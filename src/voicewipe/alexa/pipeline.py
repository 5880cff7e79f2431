"""An export's listing and its audio downloads, at the same time.

The listing (list.yaml) writes export lines to a part file a page at a time; meanwhile this
reads the lines as they come, merges them into the archive and downloads their audio in rounds
(audio.yaml). The site's pages come one after another (each needs the previous one's token),
so the listing alone is bound by the site's latency, and the downloads alone by its rate
limit: side by side, an export takes about as long as the longer of the two, not their sum.

Nothing waits in memory that need not: the records are on disk (the part file), the index
keeps a few fields of each, and the audio still to fetch is a queue of record keys.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loguru import logger

from voicewipe.alexa.archive import Archive, AudioCheck, LineFile
from voicewipe.alexa.job import AlexaJob
from voicewipe.alexa.progress import audio_progress, listing_progress

AUDIO_ROUND = 500  # the most downloads one run of audio.yaml takes (one line in run.json)
ROUNDS_AT_ONCE = 2
_POLL_S = 0.05  # how often the part file is read while nothing else is to do


@dataclass
class Listed:
    """What the listing and the downloads did."""

    outputs: dict[str, Any]  # list.yaml's outputs: count, end_ms
    read: int = 0  # export lines read
    new: int = 0  # records the archive did not hold
    fetched: int = 0  # audio downloads tried (a recording without audio included)
    adopted: int = 0  # files a killed run had saved, taken as they are
    before: AudioCheck | None = None  # the archive's audio before this export
    complete: bool = False  # the listing has ended
    queued: int = 0  # recordings whose audio was queued to fetch
    saved: int = 0  # lines read when the archive was last saved


async def list_and_fetch(
    job: AlexaJob,
    archive: Archive,
    *,
    history: str,
    start_ms: int,
    end_ms: int,
    part: str,
    audio_dir: str,
    audio: bool,
) -> Listed:
    """Run list.yaml into `part` (relative to the output folder) and, as its lines come, merge
    them and fetch their audio into `audio_dir` (when `audio`)."""
    part_path = job.options.out_dir / part
    part_path.unlink(missing_ok=True)  # a killed run's leftover: the flow appends to it
    lines = LineFile(part_path)
    # A resumed export first takes what a killed run saved, and re-queues files changed
    # since they were saved (every file is hashed again once the export is done).
    adopted = archive.adopt_downloaded(history)
    before = archive.check_audio(history, rehash=False)
    # What is still to fetch: record keys (the rest is in the index).
    queue: deque[str] = deque(i["key"] for i in archive.audio_todo(history)) if audio else deque()
    listing = asyncio.create_task(
        job.flow("list", history=history, start_ms=start_ms, end_ms=end_ms, to=part)
    )
    done = Listed(outputs={}, adopted=adopted, before=before, queued=len(queue))
    rounds: dict[asyncio.Task[None], int] = {}  # running rounds, and how many each fetches
    display = ExitStack()
    display.enter_context(listing_progress(job, f"listing {history} history"))
    try:
        while True:
            finished = listing.done()  # before reading: every line it wrote is there then
            read, new, todo = archive.take(history, lines, audio=audio)
            done.read, done.new = done.read + read, done.new + new
            if audio and todo:
                fetch = await _adopt(archive, history, todo, done)
                queue.extend(fetch)
                done.queued += len(fetch)
            grown = done.saved == 0 or finished or done.read >= 2 * done.saved
            if done.read > done.saved and grown:
                # A checkpoint: the lines listed so far in the history file, for a run killed
                # part-way to resume from. Each holds twice what the last one did (and one
                # more when the listing ends), so 100,000 records cost a few, not hundreds.
                archive.save()
                done.saved = done.read
            for ended in [task for task in rounds if task.done()]:
                del rounds[ended]
                ended.result()  # raises what the round raised
            if finished and not done.complete:
                done.complete = True
                done.outputs = listing.result()  # raises what the listing raised
                logger.info(f"listed {done.read} records ({done.new} new)")
                display.close()
                left = len(queue) + sum(rounds.values())
                if left:
                    logger.info(f"downloading the audio of {left} recordings")
                    display.enter_context(audio_progress(job, left))
            # Rounds overlap, so that a round's last few downloads (or a first round of one
            # page's records) never leave the site idle; the pacer keeps the rate.
            while queue and len(rounds) < ROUNDS_AT_ONCE:
                keys = [queue.popleft() for _ in range(min(AUDIO_ROUND, len(queue)))]
                batch = archive.items(history, keys)
                task = asyncio.create_task(_round(job, archive, history, batch, audio_dir, done))
                rounds[task] = len(batch)
            if finished and not rounds:
                break
            waiting = set(rounds) if finished else {listing, *rounds}
            await asyncio.wait(waiting, timeout=_POLL_S, return_when=asyncio.FIRST_COMPLETED)
    finally:
        display.close()
        unfinished: list[asyncio.Task[Any]] = [listing, *rounds]
        for left_over in unfinished:
            if not left_over.done():
                left_over.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await left_over
    return done


async def _adopt(archive: Archive, history: str, todo: list[str], done: Listed) -> list[str]:
    """New records whose file a killed run already saved are hashed and taken; the rest are
    what to fetch."""
    items = archive.items(history, todo)
    present = [i for i in items if (archive.audio_dir / i["file"]).is_file()]
    if not present:
        return todo
    hashed = await asyncio.to_thread(archive.hash_audio, present)
    archive.settle_audio(history, present, hashed)
    done.adopted += len(present)
    taken = {i["key"] for i in present}
    return [key for key in todo if key not in taken]


async def _round(
    job: AlexaJob,
    archive: Archive,
    history: str,
    batch: list[dict[str, str]],
    audio_dir: str,
    done: Listed,
) -> None:
    """One run of audio.yaml over these recordings, then their files hashed (in a worker
    thread) into the index."""
    items = [{"uid": i["uid"], "file": i["file"]} for i in batch]
    await job.flow("audio", items=items, dir=audio_dir)
    hashed = await asyncio.to_thread(archive.hash_audio, batch)
    archive.settle_audio(history, batch, hashed)
    done.fetched += len(batch)
    logger.info(f"audio: {done.fetched} of {done.queued} fetched")


def part_file(where: str, history: str, start_ms: int, end_ms: int) -> str:
    return str(Path(where) / ".parts" / f"{history}-{start_ms}-{end_ms}.jsonl")
