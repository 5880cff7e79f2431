"""Running one flow from start to end: the run folder, the log, the browser, run.json.

run_flow() is what the CLI (and later the Alexa commands) call. Whatever happens, the run
folder ends with run.json: the outcome, every step's line, and where the trace is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from loguru import logger

from voicewipe import __version__
from voicewipe.artifacts import RunFolder
from voicewipe.errors import VoicewipeError
from voicewipe.flow.model import Flow
from voicewipe.logs import FILE_FORMAT, add_sink
from voicewipe.redact import redact
from voicewipe.runner.context import RunOptions, StepRecord
from voicewipe.runner.runner import Rehearsal, Runner, outputs_of, render_origins
from voicewipe.runner.scope import Scope
from voicewipe.runner.session import finish_tracing, open_session

Outcome = Literal["ok", "rehearsal", "failed"]


@dataclass
class RunResult:
    outcome: Outcome
    folder: Path
    records: list[StepRecord]
    outputs: dict[str, Any] = field(default_factory=dict)
    error: VoicewipeError | None = None
    rehearsed: StepRecord | None = None
    trace: Path | None = None


def _run_info(
    flow: Flow, folder: RunFolder, options: RunOptions, started: datetime
) -> dict[str, Any]:
    return {
        "flow": flow.name,
        "dir": str(folder.path),
        "out": str(options.out_dir),
        "yes": options.yes,
        "started": started.isoformat(),
        "now_ms": int(started.timestamp() * 1000),
    }


async def run_flow(flow: Flow, inputs: dict[str, Any], options: RunOptions) -> RunResult:
    started = datetime.now(UTC)
    folder = RunFolder.create(options.out_dir, flow.name, started)
    sink = add_sink(folder.log_file, level="DEBUG", fmt=FILE_FORMAT, encoding="utf-8")
    clock = time.monotonic()
    result = RunResult("failed", folder.path, [])
    logger.info(f"run {flow.name} ({flow.file}) -> {folder.path}")
    try:
        async with open_session(options) as session:
            runner = Runner(options, folder, session.page)
            result.records = runner.records
            scope = Scope({**inputs, "run": _run_info(flow, folder, options, started)})
            try:
                origins = render_origins(flow, scope)
                runner.add_masks(flow, scope)
                await runner.run_steps(flow.steps, flow=flow, scope=scope, origins=origins)
                result.outputs = outputs_of(flow, scope)
                result.outcome = "ok"
            except Rehearsal as stop:
                result.outcome, result.rehearsed = "rehearsal", stop.record
            except VoicewipeError as error:
                result.error = error
            finally:
                result.trace = await finish_tracing(
                    session, options, failed=result.outcome == "failed", path=folder.trace_file
                )
    except VoicewipeError as error:  # the browser could not start
        result.error = error
    finally:
        _write_run_json(folder, flow, options, result, started, time.monotonic() - clock)
        _say_outcome(result)  # in the run's own log too
        logger.remove(sink)
    return result


def _write_run_json(
    folder: RunFolder,
    flow: Flow,
    options: RunOptions,
    result: RunResult,
    started: datetime,
    seconds: float,
) -> None:
    data = {
        "voicewipe": __version__,
        "flow": flow.name,
        "file": flow.file,
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "duration_ms": int(seconds * 1000),
        "outcome": result.outcome,
        "rehearsal": not options.yes,
        "destructive_steps_done": sum(
            1 for r in result.records if r.destructive and r.outcome == "ok"
        ),
        "rehearsed_step": result.rehearsed.number if result.rehearsed else None,
        "error": redact(str(result.error)) if result.error else None,
        "exit_code": int(result.error.exit_code) if result.error else 0,
        "trace": result.trace.name if result.trace else None,
        "steps": [record.as_json() for record in result.records],
    }
    folder.write_json("run.json", data)


def _say_outcome(result: RunResult) -> None:
    if result.outcome == "ok":
        logger.info(f"done: {len(result.records)} steps; run folder {result.folder}")
    elif result.outcome == "rehearsal":
        step = result.rehearsed
        assert step is not None
        logger.warning(
            f"rehearsal: stopped before step {step.number} '{step.label}', which is destructive. "
            "Nothing was deleted or changed. Run again with --yes to do it."
        )
        logger.info(f"run folder {result.folder}")
    elif result.trace is not None:
        logger.info(f"trace: {result.trace} (open with: playwright show-trace {result.trace})")
