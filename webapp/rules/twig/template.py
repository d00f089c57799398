"""Compile a merchant's Twig template once; render it per item with plain-words errors."""

from __future__ import annotations

import sys
from datetime import datetime
from types import TracebackType
from typing import Any

from jinja2 import Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2.sandbox import SecurityError

from webapp.rules.items import StockItem
from webapp.rules.twig.checks import TemplateCheckError, TwigRewriter, check_template
from webapp.rules.twig.environment import TwigEnvironment, twig_range
from webapp.rules.twig.values import TwigValueError

DEFAULT_MAX_LENGTH = 255
_ENV = TwigEnvironment()
_FILTERS = {name for name in _ENV.filters if not name.startswith("_")}
_TESTS = set(_ENV.tests)
_RUNTIME_ERRORS = (
    TwigValueError,
    UndefinedError,
    SecurityError,
    TypeError,
    ValueError,
    ArithmeticError,
    RecursionError,
    MemoryError,
    LookupError,
)


class TemplateError(ValueError):
    """A template that cannot be saved or rendered, said in words a merchant understands."""

    def __init__(self, field: str, reason: str, line: int | None = None) -> None:
        where = f" at line {line}" if line else ""
        super().__init__(f"{field}: {reason}{where}")
        self.field = field
        self.reason = reason
        self.line = line


def _syntax_reason(error: TemplateSyntaxError) -> str:
    """Jinja's syntax message without Jinja's name in it."""
    reason = error.message or "the template cannot be read"
    reason = reason.replace("Jinja was looking for the following tags", "expected")
    reason = reason.replace("'elif'", "'elseif'").replace("Unexpected end", "unexpected end")
    return reason.replace("Encountered unknown tag", "unknown tag").rstrip(".")


def _parse(source: str, field: str) -> nodes.Template:
    """Parse, check and rewrite a template; every refusal names the field and line."""
    try:
        tree = _ENV.parse(source)
        check_template(tree, _FILTERS, _TESTS)
    except TemplateSyntaxError as error:
        raise TemplateError(field, _syntax_reason(error), error.lineno) from None
    except TemplateCheckError as error:
        raise TemplateError(field, error.reason, error.line) from None
    tree = TwigRewriter().visit(tree)
    tree.set_environment(_ENV)
    return tree


class CompiledTemplate:
    """A checked, compiled template for one identifier field; render() is cheap."""

    __slots__ = ("field", "max_length", "source", "_template", "_root", "_loops", "_now")

    def __init__(self, source: str, field: str, max_length: int, now: datetime | None) -> None:
        tree = _parse(source, field)
        self.field = field
        self.source = source
        self.max_length = max_length
        self._loops = any(True for _ in tree.find_all(nodes.For))
        self._now = now
        try:
            self._template: Template = _ENV.from_string(tree)
        except TemplateSyntaxError as error:
            raise TemplateError(field, _syntax_reason(error), error.lineno) from None
        self._root = self._template.root_render_func

    def render(self, item: StockItem) -> str:
        """Render for one item; any failure is a TemplateError in plain words."""
        context = self._template.new_context(
            {"item": item, "range": twig_range, "_now": self._now}, shared=True
        )
        try:
            text = self._render_bounded(context) if self._loops else "".join(self._root(context))
        except TemplateError:
            raise
        except _RUNTIME_ERRORS as error:
            raise TemplateError(self.field, _runtime_reason(error), self._line()) from None
        if len(text) > self.max_length:
            raise self._too_long()
        return text

    def _render_bounded(self, context: Any) -> str:
        """Render while counting output, so a loop cannot build an unbounded result."""
        parts: list[str] = []
        size = 0
        for part in self._root(context):
            size += len(part)
            if size > self.max_length:
                raise self._too_long()
            parts.append(part)
        return "".join(parts)

    def _too_long(self) -> TemplateError:
        return TemplateError(self.field, f"the result is longer than {self.max_length} characters")

    def _line(self) -> int | None:
        """The template line of the error being handled, from the compiled code's line map."""
        trace: TracebackType | None = sys.exc_info()[2]
        line = None
        while trace is not None:
            if trace.tb_frame.f_code.co_filename == "<template>":
                line = self._template.get_corresponding_lineno(trace.tb_lineno)
            trace = trace.tb_next
        return line


def _runtime_reason(error: BaseException) -> str:
    """Plain words for an error raised while rendering."""
    if isinstance(error, TwigValueError):
        return str(error)
    if isinstance(error, SecurityError):
        return "the template reached for something outside the item"
    if isinstance(error, UndefinedError):
        return "something the template uses is not there (only item fields can be used)"
    if isinstance(error, ZeroDivisionError):
        return "division by zero"
    if isinstance(error, (RecursionError, MemoryError)):
        return "the template needs too much work"
    return f"the template cannot use these values ({error})"


def compile_template(
    source: str, field: str, *, max_length: int = DEFAULT_MAX_LENGTH, now: datetime | None = None
) -> CompiledTemplate:
    """Check and compile `source` for the field labelled `field`, or raise TemplateError."""
    return CompiledTemplate(source, field, max_length, now)
