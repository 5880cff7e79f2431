"""A command's run against one account: one browser, signed in once, then the flows.

    async with AlexaJob("wipe", target, options) as job:
        outputs = await job.flow("list", start_ms=0, to="...")

Entering signs in (or reuses the saved sign-in), and saves the session again afterwards, so
a nightly run finds it still valid.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from loguru import logger

from voicewipe.alexa import sessions, sitefiles
from voicewipe.alexa.target import Target
from voicewipe.flow.inputs import bind_inputs
from voicewipe.runner.context import RunOptions
from voicewipe.runner.run import Job


class AlexaJob:
    def __init__(self, name: str, target: Target, options: RunOptions) -> None:
        self.target = target
        self.options = options
        state = sessions.load(target.site, target.account) if target.keep_session else None
        self.job = Job(name, options, storage_state=state)
        self.job.result.summary.update(
            account=target.account, marketplace=target.marketplace, site=target.site
        )
        self.signed_in_now = False

    @property
    def summary(self) -> dict[str, Any]:
        return self.job.result.summary

    async def __aenter__(self) -> AlexaJob:
        await self.job.__aenter__()
        try:
            outputs = await self.flow(
                "sign-in",
                signin_origins=list(self.target.signin_origins),
                email=self.target.account,
                password=self.target.password,
                totp_secret=self.target.totp_secret,
            )
            self.signed_in_now = bool(outputs.get("signed_in"))
            if self.signed_in_now:
                logger.info(f"signed in as {self.target.account}")
            else:
                logger.info("the saved sign-in still works")
            await self._save_session()
        except BaseException as error:
            await self.job.__aexit__(type(error), error, error.__traceback__)
            raise
        return self

    async def _save_session(self) -> None:
        if self.target.keep_session:
            state = await self.job.session.context.storage_state()
            where = sessions.save(self.target.site, self.target.account, dict(state))
            logger.debug(f"sign-in saved in {where}")

    async def flow(self, name: str, **inputs: Any) -> dict[str, Any]:
        """Run one of the Alexa flows with these inputs (site and labels are added)."""
        flow = sitefiles.flow(self.target.flows, name)
        given = {"site": self.target.site, **inputs}
        if "labels" in flow.inputs:
            given["labels"] = self.target.labels
        given = {k: v for k, v in given.items() if v is not None}  # None: the default
        return await self.job.run(flow, bind_inputs(flow, given, source=f"flow {name}"))

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.job.__aexit__(kind, error, tb)
