"""download: save a file, from an address (through the signed-in context) or from a click,
atomically, and record its size and SHA-256. Gzip-compressed bodies are stored decompressed.
Decompressing, writing (flushed to disk) and hashing happen in a worker thread: thousands of
downloads in a loop then overlap their disk waits instead of stalling every other request.
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from pathlib import Path

from voicewipe.errors import StepFailed
from voicewipe.flow.steps.download import Download, DownloadArgs
from voicewipe.flow.steps.request import RequestArgs
from voicewipe.fsutil import sha256_bytes, write_atomic
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms
from voicewipe.steps._fetch import fetch, release


async def run(step: Download, ctx: StepContext) -> None:
    args = step.download
    path = ctx.output_path(ctx.render_text(args.to))
    if args.url is not None:
        data = await _fetched(args, args.url, ctx)
        if data is None:
            return
    else:
        assert args.click is not None
        located = await ctx.find(args.click)
        async with ctx.page.expect_download(timeout=ms(ctx.timeout)) as info:
            await act(
                f"click {located.description}",
                lambda: located.locator.click(timeout=ms(ctx.timeout)),
            )
        download = await info.value
        saved = await download.path()
        data = Path(saved).read_bytes()
    size, digest = await asyncio.to_thread(_save, path, data, args.gunzip, args.to)
    saved_info = {"path": str(path), "size": size, "sha256": digest}
    ctx.record.details.update(output=str(path), size=size, sha256=digest)
    if args.into:
        ctx.scope.set(args.into, saved_info)


async def _fetched(args: DownloadArgs, address: str, ctx: StepContext) -> bytes | None:
    """The body at the address; None (and `into` null) when the site says it has none."""
    url = ctx.render_text(address)
    ctx.check_origin(url)
    ctx.record.url = url
    request = RequestArgs(url=url, throttle=args.throttle, server_errors=args.server_errors)
    headers = ctx.render_data(args.headers) if args.headers else None
    try:
        answer = await fetch(ctx, request, url, None, headers, None, None, first=False)
    except StepFailed as error:
        if error.status is None or error.status not in args.missing:
            raise
        ctx.record.details.update(missing=True, status=error.status)
        if args.into:
            ctx.scope.set(args.into, None)
        return None
    try:
        return await answer.body()
    finally:
        await release(answer)


def _save(path: Path, data: bytes, gunzip: bool | str, name: str) -> tuple[int, str]:
    """Decompress if asked, write atomically, hash: (size, sha256) of what is on disk."""
    if gunzip is True or (gunzip == "auto" and data[:2] == b"\x1f\x8b"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise StepFailed(f"{name}: the body is not valid gzip ({error})", kind="http") from None
    write_atomic(path, data)
    return len(data), sha256_bytes(data)
