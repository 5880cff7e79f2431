"""request: an HTTP call made through the browser's signed-in context (its cookies go along),
with headers, a JSON or form body, waiting out throttling, and following a pagination token
until every item is collected.

    - request:
        method: POST
        url: "{{ site }}/alexa-privacy/apd/rvh/customer-history-records-v2"
        params: {startTime: "{{ start }}", endTime: "{{ end }}", pageType: VOICE_HISTORY}
        headers: {anti-csrftoken-a2z: "{{ csrf }}"}
        json: {previousRequestToken: null}
        paginate: {items: customerHistoryRecords, next: encodedRequestToken,
                   send: json.previousRequestToken}
        into: records
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, model_validator

from voicewipe.flow.base import Duration, Model, StepModel, VarName

if TYPE_CHECKING:
    from voicewipe.flow.base import StepList

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
_WHERE = r"^(json|params|headers)\.[^.]+(\.[^.]+)*$"


class Throttle(Model):
    """When the site says "slow down", and how to wait before asking again: every request to
    the site pauses and the pace is cut (runner.pace). A server error that carries a
    Retry-After header is throttling too: the site said when to come back."""

    statuses: tuple[int, ...] = (429,)
    body_contains: tuple[str, ...] = Field(
        (), description="texts in a response that mean throttled"
    )
    attempts: int = Field(6, ge=1, le=50)
    wait: Duration = Field(1.0, description="first wait; doubles each time, or Retry-After")
    max_wait: Duration = 60.0


class ServerErrors(Model):
    """When the site fails rather than throttles (a 5xx without Retry-After, a timeout, a
    dropped connection): the request is asked again after a wait that doubles, each drawn
    between half and one and a half times its value (jitter: requests that failed together
    do not come back together), without slowing the pace: a failing backend is not asking
    for fewer requests. After `attempts` failures in a row the run stops, in one line.
    The defaults start small (one failed request among many costs a tenth of a second, not
    the listing's pace) and give up after about a minute of failures in a row:
    0.1 + 0.2 + 0.4 + ... + 25.6 s."""

    statuses: tuple[int, ...] = Field(
        (500, 502, 503, 504), description="the answers that mean the site failed"
    )
    network: bool = Field(True, description="timeouts and dropped connections are retried too")
    attempts: int = Field(10, ge=1, le=50, description="tries in all, the first one included")
    wait: Duration = Field(0.1, description="first wait; doubles each time, with jitter")
    max_wait: Duration = 30.0


MAX_PAGES = 1_000_000  # 50 million records at Amazon's page size: more than any history


class Split(Model):
    """The range a request carries, listed in time windows side by side (see _paginate)."""

    start: str = Field(
        pattern=_WHERE,
        description="where the request carries the range's start (ms): params.startTime",
    )
    end: str = Field(pattern=_WHERE, description="where it carries the range's end (ms)")
    time: str = Field(description="dotted path of an item's time, ms since the epoch")
    key: str = Field(description="dotted path of what identifies an item (given once)")
    windows: int | str = Field(
        1,
        description="windows of equal time at first (a number, or a template giving one); "
        "1: the range is halved as its pages show where the items are",
    )
    after_pages: int = Field(
        2,
        ge=1,
        description="a window still paginating after this many pages is halved "
        "(while fewer than `concurrency` windows are open)",
    )
    concurrency: Annotated[int, Field(ge=1, le=64)] | str = Field(
        16,
        description="windows listed at once (a number from 1 to 64, or a template giving one); "
        "1: one window, never halved (a listing of its first pages only)",
    )


class Paginate(Model):
    items: str = Field(description="dotted path of the list of items in each response")
    next: str = Field(description="dotted path of the next page's token in each response")
    send: str = Field(
        pattern=_WHERE,
        description="where the next request carries the token: json.<key>, params.<name> "
        "or headers.<name>",
    )
    max_pages: int | str = Field(
        100_000,
        description="the most pages to ask for (per window, with split): a number, or a "
        "template giving one",
    )
    keep: tuple[str, ...] | str | None = Field(
        None,
        description="the fields of each item that `into` keeps (dotted paths such as "
        "device.deviceName), so that 100,000 items stay small; a list, or a template giving "
        "one; [] keeps none (each_page handles them). Default: whole items",
    )
    pluck: str | None = Field(
        None,
        description="`into` gets this one field of each item (a dotted path, or a template "
        "giving one; empty: none), as a plain list: 100,000 record keys in a few MB. When it "
        "gives a path, keep is not used",
    )
    split: Split | None = Field(
        None, description="list the range in time windows side by side, at the site's rate"
    )
    as_: VarName = Field(
        "page_items", alias="as", description="the variable each_page gets a page's items in"
    )
    each_page: StepList = Field(
        (),
        description="steps run as each page arrives (writing it to disk, say), with its items "
        "in `as`, `more` (the site has another page) and `last` (no other page will be asked)",
    )

    @model_validator(mode="after")
    def _some_pages(self) -> Paginate:
        if isinstance(self.max_pages, int) and not 1 <= self.max_pages <= MAX_PAGES:
            raise ValueError(f"max_pages must be from 1 to {MAX_PAGES:,}")
        return self


class Refresh(Model):
    """A token the request carries that the site may call stale: on one of `statuses`, the
    steps read it afresh (setting the variable the headers are rendered from), the headers
    are rendered again and the request goes once more. One refresh serves every request of
    the step that meets the status at once (windows side by side); a fresh token refused
    again, before any request with it was accepted, stops the run."""

    statuses: tuple[int, ...] = Field((403,), description="the answers that mean stale")
    steps: StepList = Field(
        min_length=1,
        description="steps that read the token again (their variables updated where the flow "
        "has them)",
    )


class RequestArgs(Model):
    url: str
    method: Method = "GET"
    params: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    body: Any = Field(None, alias="json", description="a JSON body")
    form: dict[str, Any] | None = None
    expect_status: tuple[int, ...] | None = Field(None, description="default: any 2xx")
    throttle: Throttle = Throttle()
    server_errors: ServerErrors = ServerErrors()
    paginate: Paginate | None = None
    refresh: Refresh | None = Field(
        None, description="read a stale token again and retry (headers rendered anew)"
    )
    into: VarName | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_body(self) -> RequestArgs:
        if self.body is not None and self.form is not None:
            raise ValueError("give json or form, not both")
        return self


class Request(StepModel):
    KIND = "request"
    TOUCHES_PAGE = False
    request: RequestArgs

    def defines(self) -> set[str]:
        return {self.request.into} if self.request.into else set()

    def summary(self) -> str:
        return f"{self.request.method} {self.request.url}"

    def bodies(self) -> dict[str, tuple[StepModel, ...]]:
        paginate, refresh = self.request.paginate, self.request.refresh
        out = {"request.paginate.each_page": paginate.each_page} if paginate else {}
        if refresh:
            out["request.refresh.steps"] = refresh.steps
        return out

    def body_scope(self) -> set[str]:
        paginate = self.request.paginate
        return {paginate.as_, "more", "last"} if paginate else set()

    def shares_scope(self) -> bool:
        return False  # each_page runs in a scope of its own, once a page
