"""A run's steps as a person follows them: by phase (sign-in, export, check, delete,
auto-delete), each flow run in it, and the screenshots that prove each phase.

Which flow a step ran in comes from run.json's `flows` (each run of a flow, and the step it
began after); which picture proves what is the flow's word (a step's `proof`), never a guess
from its label. The delete flow is cut in two at its first step that asks, acts or proves
(a consent, a destructive step, a proof): before it, the check against the export; from it,
the deletion.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# Steps a person need not read to follow a run (what a flow computes, decides or notes);
# listed only when asked ("show internal steps"), unless something went wrong in one.
INTERNAL_KINDS = frozenset({"set", "when", "extract", "log", "else"})
PROBLEMS = frozenset({"failed", "retried", "optional-failed", "rehearsed", "interrupted"})

PHASE_OF_FLOW = MappingProxyType(
    {
        "sign-in": "sign-in",
        "list": "export",
        "audio": "export",
        "delete": "delete",
        "auto-delete": "auto-delete",
    }
)
TITLES = MappingProxyType(
    {
        "sign-in": "Sign-in",
        "export": "Export",
        "check": "Check against the export",
        "delete": "Delete",
        "auto-delete": "Auto-delete",
    }
)
# The shipped flows' proofs, as a caption (a flow may give any short caption instead).
CAPTIONS = MappingProxyType(
    {
        "signed-in": "Signed in: Alexa Privacy is open",
        "history-listed": "The history the export listed",
        "history-before": "The history before the deletion",
        "confirm-dialog": "The confirmation dialog",
        "history-after": "The history after the deletion",
        "setting-before": "The setting before",
        "setting-saved": "The setting saved",
        "setting-read-back": "The setting read back afresh",
    }
)


@dataclass
class StepView:
    number: int
    label: str
    kind: str
    where: str  # flow file and line
    outcome: str
    seconds: float
    shot: str | None  # the picture's SHA-256, when the page changed at this step
    internal: bool
    message: str | None
    selector: str | None


@dataclass
class Proof:
    caption: str
    shot: str
    step: int
    label: str


@dataclass
class FlowRun:
    name: str
    file: str
    history: str | None = None  # the history it was run for (an Alexa flow's input)
    steps: list[StepView] = field(default_factory=list)


@dataclass
class Phase:
    key: str
    title: str
    runs: list[FlowRun] = field(default_factory=list)
    proofs: list[Proof] = field(default_factory=list)

    @property
    def steps(self) -> int:
        return sum(len(run.steps) for run in self.runs)


def _flow_runs(data: dict[str, Any]) -> tuple[list[int], list[dict[str, Any]]]:
    flows = [f for f in data.get("flows") or [] if isinstance(f, dict)]
    afters = [int(f.get("after_step") or 0) for f in flows]
    return afters, flows


def _shown_text(text: Any, step: dict[str, Any]) -> str | None:
    """A field as it may be shown: a template the run could not fill in (a selector's
    `{{ filter }}`) gives way to the step's place in its flow file."""
    if text is None:
        return None
    text = str(text)
    return f"as written at {step.get('file')}:{step.get('line')}" if "{{" in text else text


def _view(step: dict[str, Any], shot: str | None) -> StepView:
    outcome = str(step.get("outcome") or "")
    return StepView(
        number=int(step.get("number") or 0),
        label=_shown_text(step.get("label"), step) or "",
        kind=str(step.get("kind") or ""),
        where=f"{step.get('file')}:{step.get('line')}",
        outcome=outcome,
        seconds=(step.get("duration_ms") or 0) / 1000,
        shot=shot,
        internal=str(step.get("kind")) in INTERNAL_KINDS and outcome not in PROBLEMS,
        message=step.get("message"),
        selector=_shown_text(step.get("selector"), step),
    )


def _picture(step: dict[str, Any]) -> str | None:
    """The step's picture, unless it shows no page (the blank page a run starts on)."""
    url = str(step.get("url") or "")
    if not step.get("screenshot_sha256") or url in ("", "about:blank"):
        return None
    return str(step["screenshot_sha256"])


class _Grouping:
    """The phases as the steps are read in order: which flow run each step is in, where a
    delete flow's check ends, and the picture last shown (a step shows one only where the
    page changed: since the last step listed, or, for an internal step, since any step)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.afters, self.flows = _flow_runs(data)
        self.command = str(data.get("flow"))
        self.phases: dict[str, Phase] = {}
        self.runs: dict[tuple[int, str], FlowRun] = {}
        self.cut: set[int] = set()  # delete flow runs past their first asking step
        self.last_public: str | None = None
        self.last_any: str | None = None

    def add(self, step: dict[str, Any]) -> None:
        index = bisect.bisect_left(self.afters, int(step.get("number") or 0)) - 1
        flow = self.flows[index] if index >= 0 else {"name": self.command, "file": step["file"]}
        name = str(flow.get("name"))
        key = PHASE_OF_FLOW.get(name, name)
        if key == "delete":
            if step.get("kind") == "consent" or step.get("destructive") or step.get("proof"):
                self.cut.add(index)
            key = "delete" if index in self.cut else "check"
        phase = self.phases.setdefault(key, Phase(key, TITLES.get(key, f"Flow {name}")))
        run = self.runs.get((index, key))
        if run is None:
            history = flow.get("history")
            run = FlowRun(name, str(flow.get("file")), str(history) if history else None)
            self.runs[(index, key)] = run
            phase.runs.append(run)
        picture = _picture(step)
        run.steps.append(_view(step, self._shown(step, picture)))
        wanted = picture and (step.get("proof") or step.get("outcome") in PROBLEMS)
        if wanted and picture not in {p.shot for p in phase.proofs}:  # the same page, once
            phase.proofs.append(_proof(step, str(picture), run))

    def _shown(self, step: dict[str, Any], picture: str | None) -> str | None:
        if picture is None:  # no picture: the last one shown stays the one to compare with
            return None
        internal = str(step.get("kind")) in INTERNAL_KINDS
        shown = picture if picture != (self.last_any if internal else self.last_public) else None
        self.last_any = picture
        if not internal:
            self.last_public = picture
        return shown


def build(data: dict[str, Any]) -> list[Phase]:
    """The run's phases in the order they first ran, each with its flow runs and proofs."""
    grouping = _Grouping(data)
    for step in data.get("steps") or []:
        grouping.add(step)
    return list(grouping.phases.values())


def _proof(step: dict[str, Any], picture: str, run: FlowRun) -> Proof:
    """A picture shown with its phase: the flow's proof, or where the run stopped."""
    proof, outcome = step.get("proof"), str(step.get("outcome"))
    if outcome in ("rehearsed", "interrupted", "failed"):  # where it stopped says more
        caption = {
            "rehearsed": "Where the rehearsal stopped (outlined in red)",
            "interrupted": "Where it was interrupted",
            "failed": "Where it failed",
        }[outcome]
    elif proof:
        caption = CAPTIONS.get(str(proof), str(proof))
    else:
        caption = f"Step {outcome}"
    if run.history:
        caption += f" ({run.history})"
    return Proof(caption, picture, int(step["number"]), str(step["label"]))


def phase_of(phases: list[Phase]) -> dict[int, str]:
    """Each step's phase title, by step number (for the sentence of a failure)."""
    return {s.number: p.title.lower() for p in phases for run in p.runs for s in run.steps}
