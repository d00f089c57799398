"""Small helpers shared by the blueprints' WTForms forms."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def select_choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into SelectChoice objects (WTForms 3.4 drops plain tuples)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]
