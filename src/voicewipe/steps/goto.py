"""goto: open an address (absolute, or relative to the current page)."""

from __future__ import annotations

from urllib.parse import urljoin

from voicewipe.errors import StepFailed
from voicewipe.flow.steps.goto import Goto
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms

_ATTEMPTS = 3  # a goto the page's own navigation interrupted is tried again


async def run(step: Goto, ctx: StepContext) -> None:
    url = ctx.render_text(step.goto.url)
    if ctx.page.url not in ("", "about:blank"):
        url = urljoin(ctx.page.url, url)
    ctx.check_origin(url)
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            response = await act(
                f"open {url}",
                lambda: ctx.page.goto(
                    url, wait_until=step.goto.wait_until, timeout=ms(ctx.timeout)
                ),
            )
            break
        except StepFailed as error:
            # The page itself navigated meanwhile (Amazon's pages send a signed-out page
            # to sign-in on their own): the address asked for is opened again.
            if "interrupted by another navigation" not in str(error) or attempt == _ATTEMPTS:
                raise
    ctx.record.url = ctx.page.url
    if response is not None and response.status >= 400:
        raise StepFailed(
            f"{url} answered {response.status} {response.status_text}",
            kind="http",
            status=response.status,
        )
