"""consent: ask the person at the terminal to go ahead with what the destructive steps after
it will do, by typing a word the flow gives (the number of recordings, say).

    - consent:
        message: "300 recordings (all history, every device) will be deleted from Amazon."
        answer: "{{ count }}"
"""

from __future__ import annotations

from pydantic import Field

from voicewipe.flow.base import Model, StepModel


class ConsentArgs(Model):
    message: str = Field(description="what the destructive steps after this one will do")
    answer: str = Field(description="what the person types to go ahead")


class Consent(StepModel):
    KIND = "consent"
    TOUCHES_PAGE = False
    consent: ConsentArgs

    def summary(self) -> str:
        return "ask to go ahead"
