"""A command's run against one account: one browser, signed in once, then the flows.

    async with AlexaJob("wipe", target, options) as job:
        outputs = await job.flow("list", start_ms=0, to="...")

Entering signs in (or reuses the saved sign-in), and saves the session again afterwards, so
a nightly run finds it still valid.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Any

from loguru import logger

from voicewipe.alexa import contracts, journal, sessions, sitefiles
from voicewipe.alexa.progress import SigningIn
from voicewipe.alexa.target import Target
from voicewipe.alexa.terminal import Terminal
from voicewipe.errors import SiteFailing, StepFailed
from voicewipe.flow.inputs import bind_inputs
from voicewipe.runner.context import RunOptions, StepContext
from voicewipe.runner.header import outputs_of
from voicewipe.runner.run import Job

# How many times one flow may sign in again after its session ended, before it gives up.
_SIGN_INS_PER_FLOW = 2


@dataclass
class Deleting:
    """A delete under way (operations.delete): what its journal entry says once its first
    destructive click is about to be sent."""

    id: str
    history: str
    scope: str  # the range, devices and profile, in words
    start_ms: int
    summary: dict[str, Any]  # the delete's part of the summary
    checked: list[str] = field(default_factory=list)  # the keys listed before the click
    said: int | None = None  # where the run's `sent` says it


class AlexaJob:
    def __init__(
        self,
        name: str,
        target: Target,
        options: RunOptions,
        *,
        journal: Path | None = None,
        terminal: Terminal | None = None,
        tag: str = "",
    ) -> None:
        self.target = target
        self.terminal = terminal or Terminal()  # the phases, as the person sees them
        self.options = options = replace(options, before_destructive=self._before_destructive)
        self.journal = journal  # the export folder, where pending deletions are written down
        self.deleting: Deleting | None = None
        state = sessions.load(target.site, target.account) if target.keep_session else None
        self.job = Job(name, options, storage_state=state, tag=tag)
        self.job.result.summary.update(
            account=target.account, marketplace=target.marketplace, site=target.site
        )
        if journal is not None:  # report.html links the export, its viewer and manifest
            self.job.result.summary["export_folder"] = str(journal)
        self.signed_in_now = False
        self._sign_ins = 0  # sign-ins made by this run
        # What a flow had found out before its session ended and it ran again: a delete that
        # had acted before the session ended reports what it deleted then.
        self.earlier_outputs: dict[str, dict[str, Any]] = {}
        self._sign_in_lock = asyncio.Lock()

    @property
    def summary(self) -> dict[str, Any]:
        return self.job.result.summary

    async def __aenter__(self) -> AlexaJob:
        await self.job.__aenter__()
        self.terminal.listen(self.job.runner)
        try:
            self.signed_in_now = await self._sign_in()
            if self.signed_in_now:
                logger.info(f"signed in as {self.target.account}")
            else:
                logger.info("the saved sign-in still works")
        except BaseException as error:
            await self.job.__aexit__(type(error), error, error.__traceback__)
            raise
        return self

    async def _sign_in(self) -> bool:
        """Open Alexa Privacy, signing in if the session has ended; True if it had."""
        with self.terminal.phase(SigningIn()):
            outputs = await self._run(
                "sign-in",
                signin_origins=list(self.target.signin_origins),
                email=self.target.account,
                password=self.target.password,
                totp_secret=self.target.totp_secret,
            )
        await self._save_session()
        signed_in = contracts.read(contracts.SignedIn, "sign-in", outputs).signed_in
        self._sign_ins += signed_in
        return signed_in

    async def _save_session(self) -> None:
        if self.target.keep_session:
            state = await self.job.session.context.storage_state()
            where = sessions.save(self.target.site, self.target.account, dict(state))
            logger.debug(f"sign-in saved in {where}")

    async def flow(self, name: str, **inputs: Any) -> dict[str, Any]:
        """Run one of the Alexa flows with these inputs (site and labels are added).

        Amazon's sessions end when they will (a sign-out elsewhere, a password change, age).
        When a flow fails, the sign-in flow looks: if the session had ended, it signs in again
        (a CAPTCHA in a headless run stops with exit code 3 here) and the flow runs again from
        its start. Every flow can: exports merge by key and fetch only what is missing, and a
        delete checks its range against the export afresh before any destructive click.
        """
        for attempt in range(_SIGN_INS_PER_FLOW + 1):
            runner = self.job.runner
            first = len(runner.records) if runner is not None else 0
            sign_ins = self._sign_ins
            try:
                return await self._run(name, **inputs)
            except StepFailed as error:
                if not self.job.session.browser.is_connected():
                    raise StepFailed(
                        f"the browser closed during step {error.step_number} of '{name}' (it "
                        "crashed, was killed, or its window was closed); nothing more was done. "
                        "Run the same command again: it picks up where this one stopped",
                        kind="page",
                        location=error.location,
                    ) from None
                # A site that kept failing through every retry would fail the sign-in too.
                if attempt == _SIGN_INS_PER_FLOW or isinstance(error, SiteFailing):
                    raise
                found = dict(self.job.result.outputs)  # before the sign-in replaces them
                # Flows running side by side (the list and the downloads) meet the ended
                # session together: one signs in, the others see it has and just run again.
                async with self._sign_in_lock:
                    renewed = self._sign_ins != sign_ins or await self.session_had_ended()
                if not renewed:
                    raise
                # The earliest attempt's findings stand (a delete's first listing counted
                # what a later attempt finds half deleted); later ones fill only the gaps.
                kept = self.earlier_outputs.setdefault(name, {})
                kept.update((k, v) for k, v in found.items() if kept.get(k) is None)
                logger.warning(
                    f"the Amazon session ended during '{name}' ({error.message}); "
                    "signed in again, running it again"
                )
                self._mark_retried(first, "the session had ended: signed in again and retried")
        raise AssertionError("unreachable")

    async def session_had_ended(self) -> bool:
        """Whether the session had ended (and it has now signed in again)."""
        try:
            return await self._sign_in()
        except StepFailed:  # the sign-in failing too says nothing new: report the first error
            return False

    def _mark_retried(self, first: int, why: str) -> None:
        runner = self.job.runner
        for record in runner.records[first:] if runner is not None else []:
            if record.outcome == "failed":
                record.outcome = "retried"
                record.message = f"{record.message} ({why})"

    async def _run(self, name: str, **inputs: Any) -> dict[str, Any]:
        flow = sitefiles.flow(self.target.flows, name)
        given = {"site": self.target.site, **inputs}
        if "labels" in flow.inputs:
            given["labels"] = self.target.labels
        if "words" in flow.inputs:
            given["words"] = self.target.words.model_dump(mode="json")
        given = {k: v for k, v in given.items() if v is not None}  # None: the default
        return await self.job.run(flow, bind_inputs(flow, given, source=f"flow {name}"))

    def _before_destructive(self, ctx: StepContext) -> None:
        """Right before a destructive click: a delete's range and the keys its check listed
        go to the journal, on disk, so that a run stopped past the click is read back by the
        next one; and the run knows what it has sent, to say so if it is stopped."""
        deleting = self.deleting
        if ctx.flow.name != "delete" or deleting is None or self.journal is None:
            self.job.sent.append(
                f"step {ctx.record.number} '{ctx.record.label}' of {ctx.flow.name}"
            )
            return
        out = outputs_of(ctx.flow, ctx.scope, partial=True)
        listed = contracts.partial("delete", out, "checked") or []
        fresh = [key for key in listed if key not in set(deleting.checked)]
        if deleting.checked and not fresh:  # the confirmation of the click written down
            return
        deleting.checked += fresh
        count = len(deleting.checked)
        journal.record(
            self.journal,
            {
                "id": deleting.id,
                "run": str(self.job.folder.path),
                "at": self.job.started.isoformat(),
                "history": deleting.history,
                "scope": deleting.scope,
                "start_ms": deleting.start_ms,
                "end_ms": contracts.partial("delete", out, "end_ms") or 0,
                "count": count,
                "checked": deleting.checked,
            },
        )
        deleting.summary["sent"] = count
        said = f"the deletion of {count} recordings ({deleting.scope}), listed before the click"
        if deleting.said is None:
            deleting.said = len(self.job.sent)
            self.job.sent.append(said)
        self.job.sent[deleting.said] = said
        self.job.then = (
            "Run voicewipe again for this account (any command): it reads back from the site "
            "what was deleted"
        )

    def read_back_done(self) -> None:
        """The delete under way has read its range back: its journal entry is no longer
        needed (its summary says what was deleted)."""
        deleting = self.deleting
        if deleting is not None and self.journal is not None and deleting.checked:
            journal.remove(self.journal, {deleting.id})
            if deleting.said is not None:  # a stop from now on says it was read back
                part = deleting.summary
                self.job.sent[deleting.said] = (
                    f"the deletion of {len(deleting.checked)} recordings ({deleting.scope}), "
                    f"read back from the site: {part.get('deleted', '?')} deleted, "
                    f"{part.get('remaining', '?')} remain"
                )
                self.job.then = "Run the same command again: it picks up where this one stopped"
        self.deleting = None

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.job.__aexit__(kind, error, tb)
