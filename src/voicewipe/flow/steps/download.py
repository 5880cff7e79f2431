"""download: save a file, from an address (through the signed-in context) or from a click,
atomically, with its size and SHA-256; gzip-compressed bodies are stored decompressed.

    - download: {url: "{{ site }}/audio?uid={{ item.id }}", to: "audio/{{ item.id }}.wav"}
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from voicewipe.flow.base import Model, Selector, StepModel, VarName, describe_selector
from voicewipe.flow.steps.request import ServerErrors, Throttle


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
    server_errors: ServerErrors = Field(
        ServerErrors(), description="as request's: when the site fails"
    )
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
