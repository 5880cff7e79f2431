"""Which flow relies on a changed thing: the lines of the flows folder that name a selector or a
JSON field, and for a label the line of the language file that holds its text and the flows'
lines that use that group of labels. The first place a maintainer mending the flows opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SHOWN = 4  # lines per file and change: enough to find the place, few enough for one line


@dataclass(frozen=True)
class Line:
    file: str  # relative to the flows folder: delete.yaml, languages/en-US.yaml
    number: int
    text: str


def _scalars(node: yaml.Node, keys: tuple[str, ...], found: list[tuple[str, str, int]]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _scalars(value, (*keys, str(key.value)), found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _scalars(item, (*keys[:-1], f"{keys[-1]}[{index}]") if keys else keys, found)
    elif isinstance(node, yaml.ScalarNode) and keys:
        found.append((str(node.value), ".".join(keys), node.start_mark.line + 1))


class Usage:
    """The flows folder's text, to say where each changed thing is relied on."""

    def __init__(self, flows: Path, language: str) -> None:
        self.lines: list[Line] = []
        for path in sorted(flows.rglob("*.yaml")):
            name = path.relative_to(flows).as_posix()
            if name.startswith("languages/"):
                continue
            text = path.read_text(encoding="utf-8")
            self.lines.extend(Line(name, n, t) for n, t in enumerate(text.splitlines(), 1))
        self.language_file = f"languages/{language}.yaml"
        self.labels: dict[str, list[tuple[str, int]]] = {}  # text -> (labels.x.y, line)
        chosen = flows / self.language_file
        if chosen.is_file():
            found: list[tuple[str, str, int]] = []
            root = yaml.compose(chosen.read_text(encoding="utf-8"))
            if root is not None:
                _scalars(root, (), found)
            for text, keys, line in found:
                if keys.startswith("labels."):
                    self.labels.setdefault(text, []).append((keys, line))

    def _grep(self, pattern: re.Pattern[str]) -> list[str]:
        return [f"{line.file}:{line.number}" for line in self.lines if pattern.search(line.text)]

    def selector(self, token: str) -> list[str]:
        """The flows' lines naming an id (#x), class (.x), control name or meta name."""
        if token.startswith(("[name=", "meta[name=")):
            name = token.split("=", 1)[1].rstrip("]")
            prefix = r"name=['\"]?"
        else:
            name, prefix = token[1:], re.escape(token[0])
        body = r"[\w-]+".join(re.escape(part) for part in name.split("*"))
        return self._grep(re.compile(prefix + body + r"(?![\w-])"))

    def field(self, path: str) -> list[str]:
        """The flows' lines naming a JSON field (the last name of its path)."""
        names = [n for n in re.split(r"[.\[\]]+", path) if n and n != "*"]
        if not names:
            return []
        return self._grep(re.compile(r"(?<![\w-])" + re.escape(names[-1]) + r"(?![\w-])"))

    def label(self, text: str) -> list[str]:
        """Where a label's text is in the capture's language file, then the flows' lines that
        use its group (labels.date[filter] for labels.date.LAST_7_DAYS)."""
        places = self.labels.get(text, [])
        if not places:
            # A label that says more after the flows' words (a radio's explanation); of a
            # few words, not one ("Delete" begins many a label).
            starts = [t for t in self.labels if " " in t.strip() and text.startswith(t)]
            places = self.labels[max(starts, key=len)] if starts else []
        if not places:
            return []
        keys, line = places[0]
        more = f" +{len(places) - 1}" if len(places) > 1 else ""
        refs = [f"{self.language_file}:{line} ({keys}{more})"]
        for keys, _ in places:
            group = ".".join(keys.split(".")[:2]).split("[")[0]
            refs.extend(self._grep(re.compile(re.escape(group) + r"(?![\w-])")))
        return refs

    def texts(self) -> list[str]:
        """Every text of the language file's labels: what the flows look for on the pages."""
        return list(self.labels)

    def filters_by(self, name: str) -> bool:
        """A field the flows sort records by: where('recordItemType', ...)."""
        pattern = re.compile(r"""where\(\s*['"]""" + re.escape(name) + "['\"]")
        return any(pattern.search(line.text) for line in self.lines)

    def names(self, value: str) -> bool:
        """A value the flows spell out (a record type they read)."""
        pattern = re.compile(r"""['"]""" + re.escape(value) + r"""['"]""")
        return any(pattern.search(line.text) for line in self.lines)


def shown(refs: list[str]) -> str:
    """Refs for one line, a file's lines together: delete.yaml:74,134 doctor.yaml:19."""
    lines: dict[str, list[str]] = {}
    said = []
    for ref in dict.fromkeys(refs):
        name, _, rest = ref.partition(":")
        if " " in rest or not rest.isdigit():
            said.append(ref)  # a language file's line, with its key
        else:
            lines.setdefault(name, []).append(rest)
    for name, numbers in lines.items():
        first = sorted(numbers, key=int)[:SHOWN]
        more = f",+{len(numbers) - SHOWN}" if len(numbers) > SHOWN else ""
        said.append(f"{name}:{','.join(first)}{more}")
    return " ".join(said)
