"""One run: a run folder, a log, one browser session, and one or more flows run in it.

`Job` is what the commands use: `voicewipe wipe` signs in, lists, downloads, deletes and sets
auto-delete as several flows in one browser (one sign-in), one run folder and one run.json.
`run_flow()` is a job of one flow (`voicewipe run`). Whatever happens, the run folder ends with
run.json: the outcome, the command's summary, every step's line, and where the trace is.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from loguru import logger
from playwright.async_api import Error as PlaywrightError

from voicewipe import __version__
from voicewipe.artifacts import RunFolder
from voicewipe.errors import Interrupted, VoicewipeError
from voicewipe.flow.model import Flow
from voicewipe.logs import FILE_FORMAT, add_sink
from voicewipe.redact import redact
from voicewipe.runner.context import RunOptions, StepRecord
from voicewipe.runner.guard import Rehearsal
from voicewipe.runner.header import outputs_of, render_origins
from voicewipe.runner.runner import Runner
from voicewipe.runner.scope import Scope
from voicewipe.runner.session import Session, finish_tracing, open_session
from voicewipe.runner.stopped import stop_message, stopped_at

Outcome = Literal["ok", "rehearsal", "failed", "interrupted"]


@dataclass
class RunResult:
    outcome: Outcome
    folder: Path
    records: list[StepRecord]
    outputs: dict[str, Any] = field(default_factory=dict)
    error: VoicewipeError | None = None
    rehearsed: StepRecord | None = None
    trace: Path | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    interrupted: dict[str, Any] | None = None  # where a signal stopped it (runner.stopped)


class Job:
    """A run folder and a browser session that several flows run in, one after another.

        async with Job("wipe", options) as job:
            outputs = await job.run(flow, inputs)

    `run` raises what a flow raised (a VoicewipeError, or Rehearsal at a destructive step of a
    rehearsal); leaving the block records it in run.json and lets it go on to the caller.
    """

    def __init__(
        self,
        name: str,
        options: RunOptions,
        *,
        storage_state: dict[str, Any] | None = None,
        tag: str = "",
    ) -> None:
        self.name = name
        self.options = options
        self.storage_state = storage_state
        self.started = datetime.now(UTC)
        # `tag`: whose run this is, in its folder's name, when several run at once.
        self.folder = RunFolder.create(
            options.out_dir, f"{name}-{tag}" if tag else name, self.started
        )
        self._id = f"{id(self):x}"
        self.result = RunResult("failed", self.folder.path, [])
        self.flows: list[dict[str, str]] = []  # each flow run: name and file
        # Each flow run: the step number it began after, and the history it was given (the
        # Alexa flows' `history` input), for the report's phases.
        self._flow_after: list[tuple[int, str | None]] = []
        self._clock = time.monotonic()
        self._sink: int | None = None
        self._session_cm: Any = None
        self._session: Session | None = None
        self._runner: Runner | None = None
        # What the commands' destructive steps sent, in their words (a deletion, how many it
        # covered), and what to run after a stop: said by a run that a signal stops.
        self.sent: list[str] = []
        self.then = "Run the same command again: it picks up where this one stopped"

    @property
    def runner(self) -> Runner | None:
        return self._runner

    @property
    def session(self) -> Session:
        assert self._session is not None, "the job has not started"
        return self._session

    async def __aenter__(self) -> Job:
        # Runs side by side (--all-accounts) each keep their own lines: a line logged in this
        # run's task (and the tasks it starts) carries its id; lines of no run go to every log.
        self._context = logger.contextualize(run=self._id)
        self._context.__enter__()
        mine = self._id
        self._sink = add_sink(
            self.folder.log_file,
            level="DEBUG",
            fmt=FILE_FORMAT,
            encoding="utf-8",
            filter=lambda record: record["extra"].get("run", mine) == mine,
        )
        logger.bind(detail=True).info(f"run {self.name} -> {self.folder.path}")
        self._session_cm = open_session(self.options, storage_state=self.storage_state)
        try:
            self._session = await self._session_cm.__aenter__()
        except (VoicewipeError, asyncio.CancelledError) as error:
            if self.options.stop.requested:  # a signal while the browser started
                self._stopped()
            elif isinstance(error, VoicewipeError):  # the browser could not start
                self.result.error = error
            self._close()
            raise
        self._runner = Runner(self.options, self.folder, self._session.page)
        self.result.records = self._runner.records
        return self

    async def run(self, flow: Flow, inputs: dict[str, Any]) -> dict[str, Any]:
        """Run one flow in this job's browser; returns its outputs."""
        assert self._runner is not None, "the job has not started"
        self.flows.append({"name": flow.name, "file": flow.file})
        records = self._runner.records
        history = inputs.get("history")
        self._flow_after.append(
            (records[-1].number if records else 0, history if isinstance(history, str) else None)
        )
        logger.debug(f"flow {flow.name} ({flow.file})")
        scope = Scope({**inputs, "run": self._run_info(flow)})
        origins = render_origins(flow, scope)
        self._runner.add_masks(flow, scope)
        try:
            await self._runner.run_steps(flow.steps, flow=flow, scope=scope, origins=origins)
        except (Rehearsal, VoicewipeError):
            # What the flow had found out before it stopped (how many a destructive step would
            # delete, or did) is worth reporting: keep the outputs that can be worked out.
            self.result.outputs = outputs_of(flow, scope, partial=True)
            raise
        outputs = outputs_of(flow, scope)
        self.result.outputs = outputs
        return outputs

    def _run_info(self, flow: Flow) -> dict[str, Any]:
        return {
            "flow": flow.name,
            "dir": str(self.folder.path),
            "out": str(self.options.out_dir),
            "yes": self.options.yes or self.options.consent.given,
            "headed": self.options.headed,
            "interactive": self.options.interactive,
            "started": self.started.isoformat(),
            "now_ms": int(self.started.timestamp() * 1000),
        }

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        result = self.result
        stopping = self.options.stop.requested or isinstance(
            error, asyncio.CancelledError | KeyboardInterrupt
        )
        if stopping:
            self._stopped()
        elif error is None:
            result.outcome = "ok"
        elif isinstance(error, Rehearsal):
            result.outcome, result.rehearsed = "rehearsal", error.record
        elif isinstance(error, VoicewipeError):
            result.error = error
        if self._runner is not None:  # what the site's faults cost, counted as they happened
            result.summary["retries"] = self._runner.trouble.summary()
        try:
            # A stopped run closes at once: a picture of where it stopped, no trace (it may be
            # large), and a browser whose driver a Ctrl-C may have ended already.
            with contextlib.suppress(PlaywrightError, TimeoutError) if stopping else _nothing():
                async with asyncio.timeout(3 if stopping else None):
                    await self._finish(tracing_failed=result.outcome == "failed" and not stopping)
        finally:
            try:
                with contextlib.suppress(PlaywrightError) if stopping else _nothing():
                    await self._session_cm.__aexit__(kind, error, tb)
            finally:
                self._close()

    async def _finish(self, *, tracing_failed: bool) -> None:
        if self._runner is not None:
            await self._runner.take_pictures()  # the page as the last steps left it
        if self._session is not None:
            secret_typed = self._runner is not None and self._runner.secret_typed
            self.result.trace = await finish_tracing(
                self._session,
                self.options,
                failed=tracing_failed,
                path=self.folder.trace_file,
                secret_typed=secret_typed,
            )

    def _stopped(self) -> None:
        """The run ended by a signal: where it stood, and its one line."""
        stop = self.options.stop
        where = stopped_at(self.result.records, self.flows, stop)
        self.result.outcome, self.result.interrupted = "interrupted", where
        message = stop_message(where, self.sent, self.then)
        self.result.error = Interrupted(message, exit_code=stop.exit_code)

    def _close(self) -> None:
        from voicewipe.reporting import write_report

        try:
            data = self._write_run_json()
            write_report(self.folder.path, data)
            _say_outcome(self.result)
        finally:
            if self._sink is not None:
                logger.remove(self._sink)
                self._sink = None
            with contextlib.suppress(ValueError):  # left in another task: nothing to undo
                self._context.__exit__(None, None, None)

    def _write_run_json(self) -> dict[str, Any]:
        result = self.result
        data = {
            "voicewipe": __version__,
            "flow": self.name,
            # The flow file, when the run was one flow (`voicewipe run`); `flows` lists them all.
            "file": self.flows[0]["file"] if len(self.flows) == 1 else None,
            # Each flow run, and the step it began after: report.html's phases.
            "flows": [
                {**flow, "after_step": after, "history": history}
                for flow, (after, history) in zip(self.flows, self._flow_after, strict=True)
            ],
            "started": self.started.isoformat(),
            "finished": datetime.now(UTC).isoformat(),
            "duration_ms": int((time.monotonic() - self._clock) * 1000),
            "outcome": result.outcome,
            "rehearsal": not (self.options.yes or self.options.consent.given),
            "destructive_steps_done": sum(
                1 for r in result.records if r.destructive and r.outcome == "ok"
            ),
            "rehearsed_step": result.rehearsed.number if result.rehearsed else None,
            "error": redact(str(result.error)) if result.error else None,
            "exit_code": int(result.error.exit_code) if result.error else 0,
            "trace": result.trace.name if result.trace else None,
            "interrupted": result.interrupted,
            "summary": result.summary,
            "steps": [record.as_json() for record in result.records],
        }
        self.folder.write_json("run.json", data)
        return data


async def run_flow(flow: Flow, inputs: dict[str, Any], options: RunOptions) -> RunResult:
    """Run one flow in a job of its own; errors end up in the result, not raised."""
    job = Job(flow.name, options)
    try:
        async with job:
            await job.run(flow, inputs)
    except (Rehearsal, VoicewipeError):
        pass  # recorded in job.result by the job itself
    except asyncio.CancelledError:
        if not options.stop.requested:
            raise
        # A signal stopped it: recorded in job.result (Interrupted) like any other end.
    return job.result


_nothing = contextlib.nullcontext


def _say_outcome(result: RunResult) -> None:
    if result.outcome == "ok":
        logger.bind(detail=True).info(
            f"done: {len(result.records)} steps; run folder {result.folder}"
        )
    elif result.outcome == "rehearsal":
        step = result.rehearsed
        assert step is not None
        logger.warning(
            f"rehearsal: stopped before step {step.number} '{step.label}', which is destructive. "
            "Nothing was deleted or changed. Run again with --yes to do it."
        )
        logger.info(f"run folder {result.folder}")
    logger.info(f"report: {result.folder / 'report.html'}")
    if result.outcome == "failed" and result.trace is not None:
        logger.info(f"trace: {result.trace} (open with: playwright show-trace {result.trace})")
