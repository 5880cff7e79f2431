"""The `search` filter flows read a token out of a page with (records.yaml's refresh)."""

from __future__ import annotations

import pytest

from voicewipe.errors import TemplateProblem
from voicewipe.flow.filters import FILTERS, search

pytestmark = pytest.mark.unit

PAGE = (
    '<head><meta name="csrf-token" content="tok-1"></head>'
    '<div data-apd-state="{&quot;anti-csrftoken-a2z&quot;:&quot;tok-2&quot;}"></div>'
)


def test_search_gives_the_first_group_or_the_match() -> None:
    assert search(PAGE, '<meta name="csrf-token" content="([^"]+)"') == "tok-1"
    assert search(PAGE, "anti-csrftoken-a2z&quot;:&quot;([^&]+)&quot;") == "tok-2"
    assert search(PAGE, "tok-[0-9]") == "tok-1"
    assert search(PAGE, "nothing here") is None
    assert search(None, "x") is None
    assert FILTERS["search"] is search


def test_a_bad_pattern_is_a_template_problem() -> None:
    with pytest.raises(TemplateProblem, match="search: '\\(' is not a regular expression"):
        search(PAGE, "(")
