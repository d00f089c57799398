"""Pure decisions: skip rules, identifiers from Twig templates, and inventory push plans."""

from webapp.rules.identifiers import (
    STYLE_FIELDS,
    Identifier,
    IdentifierBuilder,
    IdentifierSettings,
    compile_identifiers,
    style_of_key,
)
from webapp.rules.items import StockItem
from webapp.rules.metadata import MetadataError, format_metadata, parse_metadata
from webapp.rules.overwrite import (
    WarehouseState,
    empty_overwrite,
    first_overwrite,
    should_confirm_overwrite,
)
from webapp.rules.plans import batched, plan_push, quantity_problem
from webapp.rules.push_plan import PlannedSku, PushPlan
from webapp.rules.skips import SkipReason, is_flag_on, should_skip
from webapp.rules.twig import CompiledTemplate, TemplateError, compile_template

__all__ = [
    "STYLE_FIELDS",
    "CompiledTemplate",
    "Identifier",
    "IdentifierBuilder",
    "IdentifierSettings",
    "MetadataError",
    "PlannedSku",
    "PushPlan",
    "SkipReason",
    "StockItem",
    "TemplateError",
    "WarehouseState",
    "batched",
    "compile_identifiers",
    "compile_template",
    "empty_overwrite",
    "first_overwrite",
    "format_metadata",
    "is_flag_on",
    "parse_metadata",
    "plan_push",
    "quantity_problem",
    "should_confirm_overwrite",
    "should_skip",
    "style_of_key",
]
