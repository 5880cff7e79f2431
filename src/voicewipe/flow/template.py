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
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2 import filters as jinja_filters
from jinja2.nativetypes import NativeCodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment

from voicewipe.errors import TemplateProblem as TemplateProblem
from voicewipe.flow import filters
from voicewipe.secret import Secret, SecretLeak

_WHOLE = re.compile(r"^\s*\{\{(?P<expr>.*?)\}\}\s*$", re.DOTALL)


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


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, Secret):
            return False  # not even .reveal: only a fill step may reveal a secret
        return super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # `record.field` of the site's JSON, without the AttributeError Jinja's way costs
        # first (a plain dict's attributes are its class's: those still win, as in Jinja).
        if type(obj) is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        too_big = _too_big(operator, left, right)
        if too_big is not None:
            raise _limit(too_big)
        return super().call_binop(context, operator, left, right)


class _EachEnvironment(_Environment):
    """The same sandbox, whose templates yield each `{{ }}`'s value as it is (not as text):
    one loop over a page of items (evaluate_each)."""

    code_generator_class = NativeCodeGenerator


_SYNC_FILTERS = tuple(name for name in dir(jinja_filters) if name.startswith("sync_do_"))


@lru_cache(maxsize=1)
def environment() -> _Environment:
    return _configured(_Environment)


@lru_cache(maxsize=1)
def _each_environment() -> _Environment:
    return _configured(_EachEnvironment)


def _configured(kind: type[_Environment]) -> _Environment:
    env = kind(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    # Jinja's own list filters without their wrappers for async templates (which these are
    # not): the same functions, without a check per call that a listing makes millions of.
    env.filters.update(
        {name.removeprefix("sync_do_"): getattr(jinja_filters, name) for name in _SYNC_FILTERS}
    )
    env.filters.update(filters.FILTERS)
    env.globals.clear()  # no range(), lipsum() or dict(): data in, data out
    env.globals["now_ms"] = filters.now_ms
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


_ITEMS = "voicewipe_each_items_"


@lru_cache(maxsize=256)
def _compile_each(expr: str, name: str) -> Any:
    source = f"{{% for {name} in {_ITEMS} %}}{{{{ {expr} }}}}{{% endfor %}}"
    return _each_environment().from_string(source), source


def evaluate_each(expr: str, name: str, items: list[Any], variables: Mapping[str, Any]) -> Any:
    """`expr` evaluated for each of `items` bound to `name`: [evaluate(expr, {name: item}) for
    each item], in one run of Jinja for them all (a page of a listing, say) rather than one
    each: starting an evaluation costs more than most export lines' fields."""
    try:
        compiled, source = _compile_each(expr, name)
        given = {**_given(source, variables), _ITEMS: items}
        values = list(compiled.root_render_func(compiled.new_context(given)))
    except (TemplateError, SecretLeak, TemplateProblem, TypeError, ValueError) as error:
        raise TemplateProblem(_explain(error)) from None
    if len(values) != len(items):  # a name that is not one: Jinja would have said so
        raise TemplateProblem(f"{expr!r} gave {len(values)} values for {len(items)} items")
    return values


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
