"""Merchants' Twig templates, parsed with Twig 3's grammar and evaluated with PHP's answers.

Two routes were open: translate Twig into Jinja's AST and let Jinja's SandboxedEnvironment
compile it, or parse Twig into a tree of our own and evaluate it. We evaluate our own tree,
because it is both smaller and safer:

- Smaller: Twig's meaning differs from Jinja's almost everywhere a merchant looks (PHP's loose
  `==`, null concatenation, numeric strings, `??`, `?:`, `starts with`, `matches`, arrow
  functions, a `for` loop whose `set` survives the loop, keys kept by `sort` and `filter`).
  Jinja has no node for an arrow function nor for Twig's loop scoping, so the Jinja route
  needs the same PHP value rules (values.py, operators.py) *plus* a rewriter from each Twig
  construct to Jinja calls, plus a custom code generator. Our evaluator is those value rules
  and one closure per node (compiler.py, render.py).
- Safer: Jinja's sandbox starts from Python objects, their attributes and methods, and removes
  what is unsafe (a blocklist guarded by `is_safe_attribute`). Our evaluator never touches a
  Python attribute and never generates or `exec`s Python code: a template reaches only the
  item's eight fields, arrays and scalars, through `values.lookup`; the only callables are
  the filters, tests and four functions listed in this package. Budgets cap what a render
  may build: the template's size and nesting (template.py, parser.py), text length
  (values.MAX_TEXT), output length, range() size, loop steps and arrow calls
  (frames.MAX_LOOP_STEPS), wall-clock time per render, and `matches` (regexes.py).
"""

from webapp.rules.twig.template import (
    DEFAULT_MAX_LENGTH,
    MAX_SOURCE,
    CompiledTemplate,
    TemplateError,
    compile_template,
)

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "MAX_SOURCE",
    "CompiledTemplate",
    "TemplateError",
    "compile_template",
]
