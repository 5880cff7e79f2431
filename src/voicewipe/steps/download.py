"""download: save a file, from an address (through the signed-in context) or from a click,
atomically, and record its size and SHA-256. Gzip-compressed bodies are stored decompressed.
Decompressing, writing (flushed to disk) and hashing happen in a worker thread: thousands of
downloads in a loop then overlap their disk waits instead of stalling every other request.

    - download: {url: "{{ site }}/audio?uid={{ item.id }}", to: "audio/{{ item.id }}.wav"}
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from voicewipe.errors import StepFailed
from voicewipe.flow.model import Model, Selector, StepModel, VarName, describe_selector
from voicewipe.fsutil import sha256_bytes, write_atomic
from voicewipe.runner.context import StepContext
from voicewipe.steps._act import act, ms
from voicewipe.steps.request import RequestArgs, Throttle, fetch, release


class DownloadArgs(Model):
    url: str | None = None
    click: Selector | None = Field(None, description="an element whose click starts a download")
    to: str = Field(description="where to save it, under the output folder")
    headers: dict[str, str] | None = None
    gunzip: bool | Literal["auto"] = Field(
        "auto", description="decompress gzip bodies (auto: when they are gzip)"
    )
    missing: tuple[int, ...] = Field(
        (),
        description="statuses that mean there is nothing to download (a recording without "
        "audio answers 404): no file is written and `into` gets null",
    )
    throttle: Throttle = Field(Throttle(), description="as request's: when the site says slow down")
    into: VarName | None = Field(None, description="gets {path, size, sha256}")

    @model_validator(mode="after")
    def _one_source(self) -> DownloadArgs:
        if (self.url is None) == (self.click is None):
            raise ValueError("download takes either url or click")
        return self


class Download(StepModel):
    KIND = "download"
    download: DownloadArgs

    def touches_page(self) -> bool:
        return self.download.click is not None

    def target(self) -> Selector | None:
        return self.download.click

    def defines(self) -> set[str]:
        return {self.download.into} if self.download.into else set()

    def summary(self) -> str:
        source = self.download.url or describe_selector(self.download.click)  # type: ignore[arg-type]
        return f"download {source}"

    async def run(self, ctx: StepContext) -> None:
        args = self.download
        path = ctx.output_path(ctx.render_text(args.to))
        if args.url is not None:
            url = ctx.render_text(args.url)
            ctx.check_origin(url)
            ctx.record.url = url
            request = RequestArgs(url=url, throttle=args.throttle)
            headers = ctx.render_data(args.headers) if args.headers else None
            try:
                response = await fetch(ctx, request, url, None, headers, None, None, first=False)
            except StepFailed as error:
                if error.status is None or error.status not in args.missing:
                    raise
                ctx.record.details.update(missing=True, status=error.status)
                if args.into:
                    ctx.scope.set(args.into, None)
                return
            try:
                data = await response.body()
            finally:
                await release(response)
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


def _save(path: Path, data: bytes, gunzip: bool | str, name: str) -> tuple[int, str]:
    """Decompress if asked, write atomically, hash: (size, sha256) of what is on disk."""
    if gunzip is True or (gunzip == "auto" and data[:2] == b"\x1f\x8b"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise StepFailed(f"{name}: the body is not valid gzip ({error})", kind="http") from None
    write_atomic(path, data)
    return len(data), sha256_bytes(data)
