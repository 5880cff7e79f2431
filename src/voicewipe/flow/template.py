"""Templating for flow fields: `{{ name }}` in strings, and bare expressions for conditions.

Jinja2's sandbox refuses attribute access to Python internals, and ImmutableSandboxedEnvironment
also refuses to mutate lists and dicts, so a flow cannot run code through a template.
StrictUndefined makes an undefined variable an error instead of an empty string. A field whose
whole text is one `{{ expression }}` keeps the expression's type (a list stays a list, a secret
stays a secret); any other template renders to a string, where a secret is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from voicewipe.secret import Secret, SecretLeak

_WHOLE = re.compile(r"^\s*\{\{(?P<expr>.*?)\}\}\s*$", re.DOTALL)


class TemplateProblem(Exception):
    """A template that cannot be parsed or rendered; the caller adds the location."""


def _epoch_ms(value: Any) -> int:
    """A date or datetime (or ISO text) as milliseconds since the epoch, UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return int(aware.timestamp() * 1000)
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp() * 1000)
    if isinstance(value, int | float):
        return int(value)
    raise TemplateProblem(f"epoch_ms: cannot turn {type(value).__name__} into a time")


def _iso(value: Any) -> str:
    """Milliseconds since the epoch (or a date) as UTC ISO 8601 text."""
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value / 1000, UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TemplateProblem(f"iso: cannot turn {type(value).__name__} into a time")


def get_path(value: Any, path: str, default: Any = None) -> Any:
    """Follow a dotted path into nested maps and lists: `record | get('device.deviceName')`."""
    current = value
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list | tuple) and part.lstrip("-").isdigit():
            index = int(part)
            if not -len(current) <= index < len(current):
                return default
            current = current[index]
        else:
            return default
    return current


def _where(items: Any, path: str, wanted: Any) -> list[Any]:
    """The items whose field at `path` is `wanted` (or one of them, given a list):
    `r.voiceHistoryRecordItems | where('recordItemType', ['CUSTOMER_TRANSCRIPT'])`. What
    selectattr does, at a fraction of its cost: a listing maps 100,000 records with it."""
    if not isinstance(items, list | tuple):
        return []
    choices = wanted if isinstance(wanted, list | tuple) else (wanted,)
    return [item for item in items if get_path(item, path) in choices]


def _count_in(text: Any, wording: Any) -> int | None:
    """The number a page put in its wording: `"300 recordings deleted." | count_in("{count}
    recordings deleted.")` is 300; none where the text is not that wording. The wording comes
    from a language file, so a page reworded is mended there."""
    if not isinstance(text, str) or not isinstance(wording, str) or "{count}" not in wording:
        return None
    before, _, after = wording.partition("{count}")
    pattern = (
        re.escape(before.strip()) + r"\s*([0-9][0-9,.\u202f\u00a0 ]*)\s*" + re.escape(after.strip())
    )
    found = re.search(pattern, " ".join(text.split()))
    if found is None:
        return None
    digits = re.sub(r"[^0-9]", "", found[1])
    return int(digits) if digits else None


def _totp(value: Any) -> Secret:
    """The current one-time code (RFC 6238) for a TOTP secret, itself a secret: it can only be
    filled in, and it is scrubbed from logs like the key it came from."""
    import pyotp

    if not isinstance(value, Secret):
        raise TemplateProblem("totp: give it a secret input (the authenticator key)")
    try:
        code = pyotp.TOTP(value.reveal().replace(" ", "").upper()).now()
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        raise TemplateProblem(
            f"totp: secret '{value.name}' is not a base32 authenticator key"
        ) from None
    return Secret(f"{value.name} code", code, origins=value.origins)


def _now_ms() -> int:
    """The time now, in milliseconds since the epoch: a range that ends "now" when it is asked."""
    return int(datetime.now(UTC).timestamp() * 1000)


# What a template may build. A page of the site's JSON is kilobytes and an export line less;
# a flow (mended, or malicious) must not make voicewipe build a string of gigabytes or a number
# of millions of digits, which Jinja's sandbox alone allows (`'x' * 800000000`).
MAX_TEXT = 10_000_000  # characters of a text, or items of a list, a template may build
MAX_POWER = 10_000  # the largest exponent of `**`


def _too_big(operator: str, left: Any, right: Any) -> str | None:
    """Why `left operator right` would build too much, or None."""
    sized = (str, list, tuple)
    if operator == "*":
        for thing, times in ((left, right), (right, left)):
            whole = isinstance(times, int) and not isinstance(times, bool)
            if isinstance(thing, sized) and whole and len(thing) * times > MAX_TEXT:
                return f"{len(thing) * times:,} characters or items"
    elif operator == "+" and isinstance(left, sized) and isinstance(right, sized):
        if len(left) + len(right) > MAX_TEXT:
            return f"{len(left) + len(right):,} characters or items"
    elif operator == "**" and _numbers(left, right) and abs(right) > MAX_POWER and abs(left) > 1:
        return f"a number to the power {right}"
    return None


def _numbers(*values: Any) -> bool:
    return all(isinstance(v, int | float) for v in values)


def _limit(what: str) -> TemplateProblem:
    return TemplateProblem(
        f"the template would build {what}; at most {MAX_TEXT:,} characters (or list items) "
        f"and powers up to {MAX_POWER:,}"
    )


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, Secret):
            return False  # not even .reveal: only a fill step may reveal a secret
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        too_big = _too_big(operator, left, right)
        if too_big is not None:
            raise _limit(too_big)
        return super().call_binop(context, operator, left, right)


@lru_cache(maxsize=1)
def environment() -> _Environment:
    env = _Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters.update(
        epoch_ms=_epoch_ms, iso=_iso, get=get_path, totp=_totp, count_in=_count_in, where=_where
    )
    env.globals.clear()  # no range(), lipsum() or dict(): data in, data out
    env.globals["now_ms"] = _now_ms
    return env


def is_template(text: str) -> bool:
    return "{{" in text or "{%" in text


def _whole_expression(text: str) -> str | None:
    match = _WHOLE.match(text)
    if match and "}}" not in match["expr"] and "{{" not in match["expr"]:
        return match["expr"].strip()
    return None


# Jinja's parser and its code generator recurse once per level of an expression, and the
# generator's constant folding takes time that grows with the cube of the depth: a chain of a
# few hundred filters takes seconds, then exhausts the stack. The shipped flows nest 8 deep.
MAX_DEPTH = 32


def _depth(ast: nodes.Node) -> int:
    deepest, stack = 0, [(ast, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return deepest


def _too_deep() -> TemplateProblem:
    return TemplateProblem(
        f"template nested too deeply (more than {MAX_DEPTH} levels of brackets, filters or "
        "operators); split it up with a set step"
    )


def names_used(text: str, *, expression: bool = False) -> set[str]:
    """The variables a template (or a bare expression) reads; TemplateProblem on bad syntax."""
    source = f"{{{{ {text} }}}}" if expression else text
    try:
        ast = environment().parse(source)
        if _depth(ast) > MAX_DEPTH:
            raise _too_deep()
        names = set(meta.find_undeclared_variables(ast)) - set(environment().globals)
        _check_constants(ast)
    except TemplateSyntaxError as error:
        raise TemplateProblem(f"template syntax: {error.message}") from None
    except RecursionError:
        raise _too_deep() from None
    if expression and not list(ast.find_all(nodes.Output)):
        raise TemplateProblem("empty expression")
    return names


_OPERATORS = {nodes.Mul: "*", nodes.Add: "+", nodes.Pow: "**"}


def _check_constants(ast: nodes.Node) -> None:
    """What a template builds from constants alone is known before it runs: too much of it
    is a problem `voicewipe validate` reports, not one met mid-run."""
    for node in ast.find_all((nodes.Mul, nodes.Add, nodes.Pow)):
        left, right = node.left, node.right
        if isinstance(left, nodes.Const) and isinstance(right, nodes.Const):
            too_big = _too_big(_OPERATORS[type(node)], left.value, right.value)
            if too_big is not None:
                raise _limit(too_big)


@lru_cache(maxsize=4096)
def _compile_expression(expr: str) -> Any:
    return environment().compile_expression(expr, undefined_to_none=False)


@lru_cache(maxsize=4096)
def _compile_template(text: str) -> Any:
    return environment().from_string(text)


def _explain(error: Exception) -> str:
    if isinstance(error, SecretLeak):
        return (
            f"secret '{error.name}' used inside text: a secret can only be the whole value "
            "of a fill step, never part of a string"
        )
    if isinstance(error, UndefinedError):
        return f"{error.message}"
    if isinstance(error, TemplateSyntaxError):
        return f"template syntax: {error.message}"
    return str(error)


@lru_cache(maxsize=4096)
def _reads(source: str) -> frozenset[str]:
    """The variables a template reads, worked out once per text."""
    return frozenset(meta.find_undeclared_variables(environment().parse(source)))


def _given(source: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    """Only the variables the template reads: a flow's scope holds dozens, and handing them
    all to Jinja costs more than evaluating an export line's fields (100,000 times a listing).
    One it reads but that is not there stays missing, so StrictUndefined still names it."""
    return {name: variables[name] for name in _reads(source) if name in variables}


def evaluate(expr: str, variables: Mapping[str, Any]) -> Any:
    """A bare expression (`records | length > 0`) evaluated to its value."""
    try:
        return _compile_expression(expr)(**_given(f"{{{{ {expr} }}}}", variables))
    except (TemplateError, SecretLeak, TemplateProblem, TypeError, ValueError) as error:
        raise TemplateProblem(_explain(error)) from None


def render(text: str, variables: Mapping[str, Any]) -> Any:
    """Render a field: one whole `{{ expr }}` keeps its value's type; anything else is text."""
    if not is_template(text):
        return text
    whole = _whole_expression(text)
    if whole is not None:
        return evaluate(whole, variables)
    try:
        rendered = _compile_template(text).render(**_given(text, variables))
    except (TemplateError, SecretLeak, TemplateProblem, TypeError, ValueError) as error:
        raise TemplateProblem(_explain(error)) from None
    if len(rendered) > MAX_TEXT:  # built by a loop, say: too late to save the memory, not the run
        raise _limit(f"{len(rendered):,} characters")
    return rendered


def render_text(text: str, variables: Mapping[str, Any]) -> str:
    """Render a field that must be text; a secret here is refused."""
    value = render(text, variables)
    if isinstance(value, Secret):
        raise TemplateProblem(_explain(SecretLeak(value.name)))
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if value is None:
        return ""
    raise TemplateProblem(f"expected text, got a {type(value).__name__}")
