"""What a page offers the flows, as structure and labels and never as data: the selectors a
flow can name (ids, classes, form control names and their fixed values, meta names) and the
labels it can find elements by (the accessible text of buttons, links, headings, labels...).

A person's values must not show up as a change between two captures of the same site (the
scrubber replaces them by other fakes in another person's capture, and the lists hold other
records): a token with a run of digits or a hex key is replaced by `*`, a control's value is
kept only when it is a constant (TODAY, ALL_HISTORY), and a label is data when its element
carries such a value or when the same element shows several texts (the rows of a list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from voicewipe.capture.inventory_page import Opened
from voicewipe.capture.inventory_words import constant, token

Kind = Literal["id", "class", "name", "meta"]
Identity = tuple[str, ...]  # a label's role and tag, then the tokens that find its element

# The roles a flow finds an element by its text with (get_by_role, get_by_label, text=).
LABELLED = frozenset(
    {
        *("button", "link", "heading", "label", "legend", "checkbox", "radio", "switch"),
        *("tab", "menuitem", "menuitemradio", "menuitemcheckbox", "option", "dialog"),
        *("alertdialog", "textbox", "searchbox", "combobox", "radiogroup", "columnheader"),
    }
)


@dataclass(frozen=True)
class Selector:
    kind: Kind
    token: str  # "#x", ".x", "[name=x]", "meta[name=x]"
    tag: str
    role: str
    text: str  # its own label or its first labelled descendant's; '' without one
    path: str  # where its first element sits (tag:index from the body down)
    in_list: bool  # a class that every element with it has inside a list's rows
    order: int = 0  # a class's place among its element's classes
    values: frozenset[str] = frozenset()  # a radio or checkbox group's fixed values
    within: tuple[str, ...] = ()  # its first element's ancestors' ids and classes, nearest first

    def describe(self) -> str:
        what = f"{self.tag} {self.role}" if self.role and self.role != self.tag else self.tag
        return f"{what} {quoted(self.text)}" if self.text else what


@dataclass(frozen=True)
class Label:
    identity: Identity
    text: str | None  # None: data (several texts, or a person's value)
    describe: str  # radio [name=date-filter][value=TODAY]
    in_list: bool
    texts: frozenset[str] = frozenset()  # every text it showed, unless a person's values


@dataclass
class PageInventory:
    path: str
    status: int
    title: str
    error: str
    selectors: dict[str, Selector] = field(default_factory=dict)
    labels: dict[Identity, Label] = field(default_factory=dict)
    empty: set[str] = field(default_factory=set)  # ids and classes on elements with no children


def _labelled_text(element: dict[str, Any]) -> str:
    return str(element["text"]) if element["role"] in LABELLED else ""


def _identity(element: dict[str, Any]) -> tuple[Identity, bool]:
    """How a label's element is found again in the other capture, and whether its text is a
    person's value (a device's checkbox, whose value is the device's key)."""
    role, tag, value = str(element["role"]), str(element["tag"]), str(element["value"])
    if element["id"]:
        return (role, tag, "#" + token(element["id"])), False
    if element["name"]:
        named = f"[name={token(element['name'])}]"
        if element["type"] not in ("radio", "checkbox", "") or not value:
            return (role, tag, named), False
        if constant(value):
            return (role, tag, named, f"value={value}"), False
        return (role, tag, named), True
    if tag == "a" and element["href"]:
        href = str(element["href"]).split("?")[0].split("#")[0]
        return (role, tag, f"href={token(href)}"), False
    if element["classes"]:
        return (role, tag, *("." + token(c) for c in element["classes"])), False
    return (role, tag, *(["in", element["anchor"]] if element["anchor"] else [])), False


def quoted(text: str, most: int = 60) -> str:
    """A label as the output shows it: quoted, and cut where it is long."""
    return repr(text if len(text) <= most else text[: most - 1] + "…")


def _describe(identity: Identity) -> str:
    role, tag, *tokens = identity
    if tokens[:1] == ["in"]:
        finds = f" in {tokens[1]}"
    else:
        finds = "".join(t if t.startswith(("#", ".", "[")) else f"[{t}]" for t in tokens)
    return f"{tag}{finds} ({role})" if role != tag else f"{tag}{finds}"


def _labels(elements: list[dict[str, Any]], title: str) -> dict[Identity, Label]:
    texts: dict[Identity, set[str]] = {}
    data: set[Identity] = set()
    listed: dict[Identity, bool] = {}
    for element in elements:
        text = _labelled_text(element)
        if not text or element.get("holds"):
            continue  # a label around a control: the control carries its text
        identity, personal = _identity(element)
        texts.setdefault(identity, set()).add(text)
        listed[identity] = listed.get(identity, True) and bool(element["inList"])
        if personal:
            data.add(identity)
    found = {
        identity: Label(
            identity,
            None if identity in data or len(seen) > 1 else next(iter(seen)),
            _describe(identity),
            listed[identity],
            frozenset() if identity in data else frozenset(seen),
        )
        for identity, seen in texts.items()
    }
    if title:
        found[("title",)] = Label(("title",), title, "the page's title", False, frozenset([title]))
    return found


def _tokens(element: dict[str, Any]) -> list[tuple[Kind, str, int]]:
    found: list[tuple[Kind, str, int]] = []
    if element["id"]:
        found.append(("id", "#" + token(element["id"]), 0))
    found.extend(("class", "." + token(c), n) for n, c in enumerate(element["classes"]))
    if element["name"]:
        found.append(("name", f"[name={token(element['name'])}]", 0))
    return found


def _text_within(elements: list[dict[str, Any]], index: int) -> str:
    """An element's label, or the first label inside it: what a person sees it as."""
    own = elements[index]
    if _labelled_text(own) and not own.get("holds"):
        return _labelled_text(own) if constant(str(own["value"])) or not own["value"] else ""
    inside = str(own["path"]) + ">"
    for element in elements[index + 1 : index + 40]:
        if not str(element["path"]).startswith(inside):
            break
        value = str(element["value"])
        if _labelled_text(element) and (not value or constant(value)):
            return _labelled_text(element)
    return ""


def _within(path: str, by_path: dict[str, dict[str, Any]]) -> tuple[str, ...]:
    steps = path.split(">")
    found: list[str] = []
    for end in range(len(steps) - 1, 0, -1):
        above = by_path.get(">".join(steps[:end]))
        if above is not None:
            found.extend(name for _, name, _ in _tokens(above))
    return tuple(found)


def _empty(opened: Opened) -> set[str]:
    every: dict[str, bool] = {}
    for element in opened.elements:
        for _, name, _ in _tokens(element):
            every[name] = every.get(name, True) and bool(element["empty"])
    return {name for name, empty in every.items() if empty}


def _selectors(opened: Opened) -> dict[str, Selector]:
    by_path = {str(e["path"]): e for e in opened.elements}
    first: dict[str, tuple[int, Kind, int]] = {}  # name -> its first element, kind, order
    listed: dict[str, bool] = {}
    values: dict[str, set[str]] = {}
    for index, element in enumerate(opened.elements):
        for kind, name, order in _tokens(element):
            # Ids and control names are the page's own whatever the rows: only a class can
            # be a row's, there or not by what the account holds.
            in_list = kind == "class" and bool(element["inList"])
            listed[name] = listed.get(name, True) and in_list
            value = str(element["value"])
            if kind == "name" and element["type"] in ("radio", "checkbox") and constant(value):
                values.setdefault(name, set()).add(value)
            first.setdefault(name, (index, kind, order))
    found = {}
    for name, (index, kind, order) in first.items():
        element = opened.elements[index]
        path = str(element["path"])
        found[name] = Selector(
            kind=kind,
            token=name,
            tag=str(element["tag"]),
            role=str(element["role"]),
            text=_text_within(opened.elements, index),
            path=path,
            in_list=listed[name],
            order=order,
            values=frozenset(values.get(name, ())),
            within=_within(path, by_path),
        )
    for meta in opened.metas:
        name = f"meta[name={meta}]"
        found[name] = Selector("meta", name, "meta", "", "", "head", False)
    return found


def inventory(opened: Opened) -> PageInventory:
    """What the flows can rely on in one opened page."""
    return PageInventory(
        opened.path,
        opened.status,
        opened.title,
        opened.error,
        _selectors(opened),
        _labels(opened.elements, opened.title),
        _empty(opened),
    )
