"""The JSON Schema of the flow language, for editors (yaml-language-server) to complete and
check flow files. Generated from the same pydantic model the loader validates with."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from voicewipe.flow.model import Flow


def flow_schema() -> dict[str, Any]:
    schema = TypeAdapter(Flow).json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "voicewipe flow"
    return schema
