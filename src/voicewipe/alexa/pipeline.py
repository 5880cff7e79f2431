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
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loguru import logger

from voicewipe.alexa import contracts
from voicewipe.alexa.archive import Archive
from voicewipe.alexa.archive_index import AudioCheck, LineFile
from voicewipe.alexa.job import AlexaJob
from voicewipe.alexa.progress import Audio, Listing

AUDIO_ROUND = 500  # the most downloads one run of audio.yaml takes (one line in run.json)
ROUNDS_AT_ONCE = 2
_POLL_S = 0.05  # how often the part file is read while nothing else is to do
# The least time between two checkpoints besides the first and the last. A checkpoint writes
# the history file again, whole, and the listing waits meanwhile: at 100,000 records, saving
# at every doubling cost the listing a third of its time.
CHECKPOINT_S = 30.0


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
    export = _Export(job, archive, history, audio_dir, audio, lines, listing, queue, done)
    export.listed = job.terminal.begin(Listing(f"listing {history}"))
    try:
        await export.run()
    finally:
        await export.stop()
    if done.queued:
        mb = export.fetching.saved_bytes / 1e6 if export.fetching else 0.0
        logger.info(
            f"{history}: audio of {done.fetched} of {done.queued} recordings fetched "
            f"({mb:.1f} MB saved)"
        )
    return done


@dataclass
class _Export:
    """One export's listing and its download rounds, side by side."""

    job: AlexaJob
    archive: Archive
    history: str
    audio_dir: str
    audio: bool
    lines: LineFile  # the part file the listing writes
    listing: asyncio.Task[dict[str, Any]]
    queue: deque[str]
    done: Listed
    # The rounds running, and how many recordings each fetches.
    rounds: dict[asyncio.Task[None], int] = field(default_factory=dict)
    listed: Listing | None = None  # the phases the terminal shows
    fetching: Audio | None = None
    saved_at: float = 0.0  # time.monotonic() of the last checkpoint

    async def run(self) -> None:
        """Until the listing has ended and every round with it."""
        while True:
            finished = self.listing.done()  # before reading: every line it wrote is there then
            await self._take()
            self._checkpoint(finished)
            for ended in [task for task in self.rounds if task.done()]:
                del self.rounds[ended]
                ended.result()  # raises what the round raised
            if finished and not self.done.complete:
                self._listing_ended()
            self._start_rounds()
            if finished and not self.rounds:
                return
            waiting = set(self.rounds) if finished else {self.listing, *self.rounds}
            await asyncio.wait(waiting, timeout=_POLL_S, return_when=asyncio.FIRST_COMPLETED)

    async def _take(self) -> None:
        """The lines listed since the last look, merged; their audio queued."""
        done = self.done
        read, new, todo = self.archive.take(self.history, self.lines, audio=self.audio)
        done.read, done.new = done.read + read, done.new + new
        if self.audio and todo:
            fetch = await _adopt(self.archive, self.history, todo, done)
            self.queue.extend(fetch)
            done.queued += len(fetch)

    def _checkpoint(self, finished: bool) -> None:
        """The lines listed so far saved in the history file, for a run killed part-way to
        resume from (the audio files it saved are taken again as they are, once hashed). Each
        checkpoint holds twice what the last one did, CHECKPOINT_S apart at least (and one
        more when the listing ends), so 100,000 records cost a few, not hundreds."""
        done = self.done
        now = time.monotonic()
        grown = done.read >= 2 * done.saved and now - self.saved_at >= CHECKPOINT_S
        if done.read > done.saved and (done.saved == 0 or finished or grown):
            self.archive.save()
            done.saved, self.saved_at = done.read, time.monotonic()

    def _listing_ended(self) -> None:
        """The listing's outputs kept, and the display turned to the downloads left."""
        done = self.done
        done.complete = True
        done.outputs = self.listing.result()  # raises what the listing raised
        if contracts.read(contracts.Listed, "list", done.outputs).present:
            logger.info(f"{self.history}: {done.read} records listed ({done.new} new)")
        self._end_phases(listing=True)

    def _start_rounds(self) -> None:
        # Rounds overlap, so that a round's last few downloads (or a first round of one
        # page's records) never leave the site idle; the pacer keeps the rate.
        queue = self.queue
        while queue and len(self.rounds) < ROUNDS_AT_ONCE:
            keys = [queue.popleft() for _ in range(min(AUDIO_ROUND, len(queue)))]
            batch = self.archive.items(self.history, keys)
            round_ = _round(self.job, self.archive, self.history, batch, self.audio_dir, self.done)
            self.rounds[asyncio.create_task(round_)] = len(batch)
            if self.fetching is None:
                self.fetching = self.job.terminal.begin(Audio(f"{self.history} audio"))
        if self.fetching is not None:
            self.fetching.total = self.done.queued  # it grows as the listing goes on

    def _end_phases(self, *, listing: bool = False, audio: bool = False) -> None:
        if listing and self.listed is not None:
            self.job.terminal.end(self.listed)
            self.listed = None
        if audio and self.fetching is not None:
            self.job.terminal.end(self.fetching)

    async def stop(self) -> None:
        """The phases ended; the listing and any round still running cancelled."""
        self._end_phases(listing=True, audio=True)
        unfinished: list[asyncio.Task[Any]] = [self.listing, *self.rounds]
        for left_over in unfinished:
            if not left_over.done():
                left_over.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await left_over
        if self.job.options.stop.requested:  # a signal while they were ending: it stands
            raise asyncio.CancelledError


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
    logger.debug(f"audio: {done.fetched} of {done.queued} fetched")


def part_file(where: str, history: str, start_ms: int, end_ms: int) -> str:
    return str(Path(where) / ".parts" / f"{history}-{start_ms}-{end_ms}.jsonl")
