"""fill: type a value into an input; a secret is revealed here, and only here."""

from __future__ import annotations

from urllib.parse import urlsplit

from voicewipe.errors import SafetyRefusal
from voicewipe.flow.steps.fill import Fill
from voicewipe.runner.context import StepContext
from voicewipe.secret import Secret
from voicewipe.steps._act import act, ms


async def run(step: Fill, ctx: StepContext) -> None:
    value = ctx.render(step.fill.value)
    located = await ctx.find(step.fill.target)
    if isinstance(value, Secret):
        _check_secret_origin(ctx, value)
        # Hide the field in this and every later screenshot before anything is typed.
        ctx.runner.mask(located.locator)
        ctx.runner.secret_typed = True  # a trace of this run would hold it: not kept
        ctx.record.details["secret"] = value.name
        secret = value
        await act(
            f"fill {located.description}",
            lambda: located.locator.fill(secret.reveal(), timeout=ms(ctx.timeout)),
        )
        return
    text = "" if value is None else str(value)
    await act(
        f"fill {located.description}",
        lambda: located.locator.fill(text, timeout=ms(ctx.timeout)),
    )


def _check_secret_origin(ctx: StepContext, secret: Secret) -> None:
    """A password is typed only on the origins it was given for (the marketplace's sign-in
    hosts), as a password manager would: an edited or malicious flow that leads it anywhere
    else is stopped before a key is pressed."""
    if not secret.origins:
        return
    parts = urlsplit(ctx.page.url)
    here = f"{parts.scheme}://{parts.netloc}"
    if here not in secret.origins:
        raise SafetyRefusal(
            f"secret '{secret.name}' may be typed on {', '.join(secret.origins)} only, and this "
            f"page is on {here}; nothing was typed"
        )
