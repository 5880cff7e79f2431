"""`voicewipe capture --diff OLD NEW`: what changed between two captures in what the flows rely
on: per page, the selectors and labels (inventory.py, read in a browser from each capture:
inventory_page.py); per feed, the JSON fields, their types and the record types
(inventory_feed.py); each change with the flows' lines that rely on it (diff_usage.py).

The first thing to look at when Amazon changes a page, and what a maintainer asks a reporter
for: a stranger's capture against one of the mock or of a site that worked. Like `diff`, it
exits 0 when nothing changed and 1 when something did; notes (what may be the account's data
rather than the site: a record type not seen again, a list row's class) do not count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicewipe.capture.diff_compare import Change, compare_feeds
from voicewipe.capture.diff_pages import compare_pages
from voicewipe.capture.har import Capture, Meta
from voicewipe.errors import ExitCode

_OTHERS = 12  # lines per group that name no flow's line, in the text output


@dataclass
class Compared:
    old: tuple[Path, Meta]
    new: tuple[Path, Meta]
    flows: Path
    pages: dict[str, list[Change]] = field(default_factory=dict)  # pages in both
    feeds: dict[str, list[Change]] = field(default_factory=dict)  # feeds in both
    only: dict[str, list[str]] = field(default_factory=dict)  # "pages only in OLD": paths

    def changes(self) -> int:
        listed = [*self.pages.values(), *self.feeds.values()]
        counted = sum(c.counts for changes in listed for c in changes)
        return counted + sum(len(paths) for paths in self.only.values())

    def to_json(self) -> dict[str, Any]:
        def side(path: Path, meta: Meta) -> dict[str, Any]:
            keys = ("made", "source", "origin", "marketplace", "language", "version")
            return {"file": str(path), **{k: getattr(meta, k) for k in keys}}

        def listed(found: dict[str, list[Change]]) -> dict[str, Any]:
            return {name: [c.to_json() for c in changes] for name, changes in found.items()}

        return {
            "old": side(*self.old),
            "new": side(*self.new),
            "flows": str(self.flows),
            "changed": self.changes() > 0,
            "changes": self.changes(),
            "compared": {"pages": len(self.pages), "feeds": len(self.feeds)},
            "pages": listed(self.pages),
            "feeds": listed(self.feeds),
            "only": self.only,
        }


def _only(found: dict[str, list[str]], what: str, old: set[str], new: set[str]) -> None:
    for side, mine, theirs in (("OLD", old, new), ("NEW", new, old)):
        if mine - theirs:
            found[f"{what} only in {side}"] = sorted(mine - theirs)


def compare(old: tuple[Path, Capture], new: tuple[Path, Capture], flows: Path) -> Compared:
    """Both captures' inventories (their pages opened in one headless browser), compared."""
    from voicewipe.capture.diff_usage import Usage
    from voicewipe.capture.inventory import inventory
    from voicewipe.capture.inventory_feed import feeds, type_fields
    from voicewipe.capture.inventory_page import open_pages

    (old_path, old_capture), (new_path, new_capture) = old, new
    done = Compared((old_path, old_capture.meta), (new_path, new_capture.meta), flows)
    usage = Usage(flows, new_capture.meta.language)
    opened = open_pages([(old_capture, old_path), (new_capture, new_path)], flows)
    old_pages, new_pages = ({o.path: inventory(o) for o in side} for side in opened)
    for path, page in old_pages.items():
        if path in new_pages:
            done.pages[path] = compare_pages(page, new_pages[path], usage)
    kinds = type_fields(flows)
    old_feeds, new_feeds = feeds(old_capture, kinds), feeds(new_capture, kinds)
    for key, feed in old_feeds.items():
        if key in new_feeds:
            done.feeds[key] = compare_feeds(feed, new_feeds[key], usage)
    _only(done.only, "pages", set(old_pages), set(new_pages))
    _only(done.only, "feeds", set(old_feeds), set(new_feeds))
    return done


def _line(change: Change) -> str:
    said = f"  {'' if change.counts else 'note: '}{change.kind}: {change.what}"
    if change.used:
        from voicewipe.capture.diff_usage import shown

        said += f"  [{shown(list(change.used))}]"
    return said


def _grouped(found: dict[str, list[Change]], what: str) -> list[str]:
    """Changes grouped by the pages (or feeds) that share them: a redesign changes the same
    things on every history page, and one group says it once."""
    where: dict[str, list[str]] = {}
    for name, changes in found.items():
        for change in changes:
            where.setdefault(_line(change), []).append(name)
    groups: dict[tuple[str, ...], list[str]] = {}
    for line, names in where.items():
        groups.setdefault(tuple(names), []).append(line)
    out = []
    for shared, lines in groups.items():
        out.append(f"{what}{'s' if len(shared) > 1 else ''} {', '.join(shared)}:")
        out.extend(_short(lines))
    return out


def _short(lines: list[str]) -> list[str]:
    """A page remade whole is a hundred new classes: every line a flow uses is shown, of the
    others the first few, and how many more --json lists."""
    others = [line for line in lines if not line.endswith("]")]
    if len(others) <= _OTHERS:
        return lines
    kept = set(others[:_OTHERS])
    shown = [line for line in lines if line.endswith("]") or line in kept]
    more = len(lines) - len(shown)
    return [*shown, f"  ... and {more} more that no flow names (--json lists every one)"]


def _meta(side: str, path: Path, meta: Meta) -> str:
    return f"{side} {path}: made {meta.made}, {meta.source}, {meta.marketplace}, {meta.language}"


def text(done: Compared) -> str:
    (old_path, old_meta), (new_path, new_meta) = done.old, done.new
    counted = f"{len(done.pages)} pages, {len(done.feeds)} feeds compared"
    notes = [c for changes in [*done.pages.values(), *done.feeds.values()] for c in changes]
    if not done.changes() and not notes:
        return f"No change in what the flows rely on between {old_path} and {new_path} ({counted})"
    lines = [_meta("OLD", old_path, old_meta), _meta("NEW", new_path, new_meta)]
    if old_meta.language != new_meta.language:
        lines.append("(in two languages: every label reads differently; compare the selectors)")
    lines.append("")
    lines += _grouped(done.pages, "page")
    lines += _grouped(done.feeds, "feed")
    for heading, names in done.only.items():
        lines += [f"{heading}:", *(f"  {name}" for name in names)]
    if done.changes():
        lines.append(
            f"\n{done.changes()} changes in what the flows rely on ({counted}); [file:line]: "
            f"where the flows in {done.flows} use it"
        )
    else:
        lines.append(f"\nNo change in what the flows rely on, only notes ({counted})")
    return "\n".join(lines)


def run_diff(old: Path, new: Path, *, flows: Path | None, as_json: bool) -> int:
    """Print what changed between two captures; 0 when nothing the flows rely on did, else 1."""
    from voicewipe.alexa.sitefiles import flows_dir
    from voicewipe.capture import har

    before, after = har.read(old), har.read(new)  # a file that is no capture: one line
    done = compare((old, before), (new, after), flows_dir(flows))
    print(json.dumps(done.to_json(), ensure_ascii=False) if as_json else text(done))
    return ExitCode.STEP_FAILED if done.changes() else ExitCode.OK
