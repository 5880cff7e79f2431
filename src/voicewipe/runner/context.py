"""What a step may use while it runs: the page, the variables, rendering and locating, and
the run it is part of (Engine: what the runner offers its steps, declared here so that the
steps need not know the runner that calls them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from playwright.async_api import Browser, BrowserContext, Locator, Page

from voicewipe.errors import SafetyRefusal, StepFailed
from voicewipe.flow import template
from voicewipe.flow.model import Flow, Selector, StepModel
from voicewipe.flow.values import render_data
from voicewipe.runner.locate import Located, locate
from voicewipe.runner.origins import origin_allowed
from voicewipe.runner.pace import Pacer
from voicewipe.runner.scope import Scope
from voicewipe.runner.wire import Wire
from voicewipe.signals import Stop

Tracing = Literal["on", "off", "retain-on-failure"]


@dataclass
class Consent:
    """Whether the person at the terminal agreed to what a job's destructive steps do (the
    consent step asks); one per job, so that a wipe asked once goes on to its last step."""

    given: bool = False
    also: str = ""  # what the job does beyond the flow that asks ("then auto-delete ...")


@dataclass(frozen=True)
class RunOptions:
    """How a run behaves; the CLI fills it from its options."""

    out_dir: Path = Path("recordings")
    yes: bool = False  # destructive steps act; without it the run is a rehearsal
    headed: bool = False
    slowmo_ms: float = 0
    interactive: bool = False  # a person can answer at the terminal
    tracing: Tracing = "retain-on-failure"
    browser_path: str | None = None
    timeout: float | None = None  # overrides every flow's default step timeout
    screenshots: bool = True
    mask_personal: bool = False  # also hide each flow's `personal` elements in screenshots
    consent: Consent = field(default_factory=Consent)  # given at the terminal, without --yes
    stop: Stop = field(default_factory=Stop)  # a signal asked the run to stop
    # Called right before a destructive step acts (not in a rehearsal): the commands write
    # down what it is about to send, on disk, before it is sent.
    before_destructive: Callable[[StepContext], None] | None = None
    # Where requests go: None, to the site; a capture's recorder or its replay (runner.wire).
    wire: Wire | None = None
    # A browser already running, for runs side by side (--all-accounts): a context each.
    browser: Browser | None = None


@dataclass
class StepRecord:
    """One line of run.json: a step that ran."""

    number: int
    label: str
    kind: str
    file: str
    line: int
    parent: int | None
    started: float
    destructive: bool = False
    selector: str | None = None
    url: str | None = None
    duration_ms: int = 0
    outcome: str = "running"  # ok, failed, retried, optional-failed, rehearsed, stopped,
    # skipped, interrupted
    screenshot: str | None = None
    screenshot_sha256: str | None = None
    message: str | None = None
    proof: str | None = None  # what its screenshot proves (the step's `proof`), for the report
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("started", "details")}
        # A step's details add to its line; they never replace the fields every line has.
        data.update((k, v) for k, v in self.details.items() if k not in data)
        return data


class Engine(Protocol):
    """What a running step may ask of the run (the Runner is one)."""

    # Set once a secret has been typed: the run's trace would hold it, so it is not kept.
    secret_typed: bool

    @property
    def page(self) -> Page: ...

    @property
    def options(self) -> RunOptions: ...

    async def run_steps(
        self,
        steps: Sequence[StepModel],
        *,
        flow: Flow,
        scope: Scope,
        parent: int | None = None,
        origins: tuple[str, ...] = (),
    ) -> None:
        """Run steps inside another (a loop's body, a sub-flow), each with its own record."""

    def notify(self, record: StepRecord) -> None:
        """Tell whoever listens (progress displays) that a step has news."""

    def mask(self, locator: Locator) -> None:
        """Hide this element in every screenshot from now on."""

    def add_masks(self, flow: Flow, scope: Scope) -> None:
        """Hide the flow's `mask` (and, if asked, `personal`) elements from now on."""

    def pacer(self, url: str) -> Pacer:
        """The pace of requests to this address's origin, for the whole run."""


@dataclass
class StepContext:
    runner: Engine
    flow: Flow
    step: StepModel
    scope: Scope
    record: StepRecord
    origins: tuple[str, ...]

    @property
    def page(self) -> Page:
        return self.runner.page

    @property
    def browser_context(self) -> BrowserContext:
        return self.runner.page.context

    @property
    def options(self) -> RunOptions:
        return self.runner.options

    @property
    def timeout(self) -> float:
        if self.step.timeout is not None:
            return self.step.timeout
        if self.options.timeout is not None:
            return self.options.timeout
        return self.flow.timeout

    @property
    def flow_dir(self) -> Path:
        path = self.flow.path
        return path.parent if path else Path.cwd()

    # --- values ---------------------------------------------------------------------------
    def render(self, text: str) -> Any:
        try:
            return template.render(text, self.scope)
        except template.TemplateProblem as problem:
            raise StepFailed(str(problem), kind="template") from None

    def render_text(self, text: str) -> str:
        try:
            return template.render_text(text, self.scope)
        except template.TemplateProblem as problem:
            raise StepFailed(str(problem), kind="template") from None

    def evaluate(self, expr: str) -> Any:
        try:
            return template.evaluate(expr, self.scope)
        except template.TemplateProblem as problem:
            raise StepFailed(str(problem), kind="template") from None

    def render_data(self, value: Any) -> Any:
        """Render every string inside nested maps and lists (a request's JSON body, say)."""
        try:
            return render_data(value, self.scope)
        except template.TemplateProblem as problem:
            raise StepFailed(str(problem), kind="template") from None

    def pacer(self, url: str) -> Pacer:
        """The pace of this run's requests to the address's origin (see runner.pace)."""
        return self.runner.pacer(url)

    # --- the page -------------------------------------------------------------------------
    async def locate(
        self,
        selector: Selector,
        *,
        wait: bool = True,
        timeout: float | None = None,
        many: bool = False,
    ) -> Located | None:
        located = await locate(
            self.page,
            selector,
            render=self.render_text,
            timeout=self.timeout if timeout is None else timeout,
            wait=wait,
            many=many,
        )
        if located is not None:
            self.record.selector = located.description
        return located

    async def find(self, selector: Selector) -> Located:
        located = await self.locate(selector)
        assert located is not None  # locate() with wait=True raises instead
        return located

    def check_origin(self, url: str) -> None:
        if not origin_allowed(url, self.origins, base=self.page.url):
            allowed = ", ".join(self.origins)
            raise SafetyRefusal(
                f"{url} is outside the origins flow '{self.flow.name}' may visit ({allowed}); "
                "add its origin to the flow's `origins` if it is meant to be visited"
            )

    # --- files and nesting ----------------------------------------------------------------
    def output_path(self, relative: str) -> Path:
        """A path under the run's output folder; a flow cannot write outside it."""
        root = self.options.out_dir.resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            raise SafetyRefusal(f"{relative} is outside the output folder {self.options.out_dir}")
        return path

    async def run_steps(self, steps: Sequence[StepModel], scope: Scope | None = None) -> None:
        await self.runner.run_steps(
            steps,
            flow=self.flow,
            scope=scope or self.scope,
            parent=self.record.number,
            origins=self.origins,
        )
