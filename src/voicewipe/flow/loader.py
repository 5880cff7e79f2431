"""Loading a flow file: safe YAML, validation into typed objects, locations, sub-flows, checks.

load_flow() is the only way in: what it returns is a frozen, fully checked Flow whose every
step knows its file, line and column, and which holds the loaded flow each `call` step runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from voicewipe.errors import FlowError
from voicewipe.flow.checks import check_flow
from voicewipe.flow.diagnose import diagnose
from voicewipe.flow.model import Flow, StepModel
from voicewipe.flow.steps.call import Call
from voicewipe.flow.yamlsrc import YamlDoc, display_path, load_yaml

LocPath = tuple[str | int, ...]


def _steps_with_paths(value: Any, path: LocPath) -> Iterator[tuple[LocPath, StepModel]]:
    """Every step in the flow, nested ones too, with its key path in the YAML."""
    if isinstance(value, StepModel):
        yield path, value
        for body_path, body in value.bodies().items():
            body_here = (*path, *body_path.split("."))
            for index, step in enumerate(body):
                yield from _steps_with_paths(step, (*body_here, index))
    elif isinstance(value, Flow):
        for index, step in enumerate(value.steps):
            yield from _steps_with_paths(step, ("steps", index))


def _validate(doc: YamlDoc) -> Flow:
    if not isinstance(doc.data, dict):
        raise FlowError(
            "a flow is a map with at least `name` and `steps`", location=doc.location(())
        )
    try:
        return Flow.model_validate(doc.data)
    except ValidationError as error:
        raise diagnose(doc, error) from None


class _Loader:
    def __init__(self) -> None:
        self.loaded: dict[Path, Flow] = {}

    def load(self, path: Path, stack: tuple[Path, ...]) -> Flow:
        resolved = path.resolve()
        if resolved in self.loaded:
            return self.loaded[resolved]
        doc = load_yaml(path)
        flow = _validate(doc)
        flow._file = doc.file
        flow._path = resolved
        for step_path, step in _steps_with_paths(flow, ()):
            step._location = doc.location(step_path)
            if isinstance(step, Call):
                flow._calls[step.location] = self._resolve_call(
                    step, resolved, (*stack, resolved), doc, step_path
                )
        check_flow(doc, flow)
        self.loaded[resolved] = flow
        return flow

    def _resolve_call(
        self, step: Call, here: Path, stack: tuple[Path, ...], doc: YamlDoc, step_path: LocPath
    ) -> Flow:
        """The flow a call step runs, loaded and checked against what the step gives it."""
        where = doc.location((*step_path, "call"))
        try:
            target = (here.parent / step.call.flow).resolve()
            is_file = target.is_file()
        except (OSError, ValueError) as error:  # a NUL in the name, a name too long, ...
            reason = error.strerror if isinstance(error, OSError) else str(error)
            raise FlowError(
                f"call: {step.call.flow!r} cannot be a flow file's name ({reason})", location=where
            ) from None
        if target in stack:
            chain = " -> ".join(display_path(p) for p in (*stack[stack.index(target) :], target))
            raise FlowError(f"a flow cannot call itself: {chain}", location=where)
        if not is_file:
            raise FlowError(f"call: no flow file {display_path(target)}", location=where)
        sub = self.load(target, stack)
        for name in step.call.with_:
            if name not in sub.inputs:
                known = ", ".join(sub.inputs) or "none"
                raise FlowError(
                    f"call: flow '{sub.name}' has no input {name!r} (its inputs: {known})",
                    location=where,
                )
        for name, spec in sub.inputs.items():
            if spec.required and name not in step.call.with_:
                raise FlowError(
                    f"call: flow '{sub.name}' needs input '{name}' in `with`", location=where
                )
        return sub


def load_flow(path: Path | str) -> Flow:
    """Load, validate and check a flow file; every problem is a FlowError with its location."""
    return _Loader().load(Path(path), ())


def model_dump_locations(flow: BaseModel) -> list[str]:
    """Each step's location, in order (for tests and debugging)."""
    return [str(step.location) for _, step in _steps_with_paths(flow, ())]
