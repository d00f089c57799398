"""Merchants' Twig templates, run in Jinja's sandbox with Twig's answers."""

from webapp.rules.twig.template import (
    DEFAULT_MAX_LENGTH,
    CompiledTemplate,
    TemplateError,
    compile_template,
)

__all__ = ["DEFAULT_MAX_LENGTH", "CompiledTemplate", "TemplateError", "compile_template"]
