"""What to do with an imported order JOOR has changed: the merchant's rule, decided purely.

The rule (setting "When JOOR changes an imported order"):

- "update_new" (the default): update the order while it is still in the folder for new
  orders; anywhere else a person has moved it on (it may be picked or shipped), so the change
  is only noted;
- "note": only note it.

Either way a cancellation moves the order to the folder for cancelled orders, unless it is in
a folder marked final (then it is only noted) or there already.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

UPDATE_NEW = "update_new"
NOTE = "note"


@dataclass(frozen=True)
class FolderFacts:
    """Where the order is: its folder's name and what that folder is to the store."""

    name: str
    is_new: bool  # the folder imported orders land in
    is_final: bool
    is_cancelled: bool  # the folder orders cancelled in JOOR move to


@dataclass(frozen=True)
class ChangePlan:
    """Whether to update the order's fields and lines, whether to move it, and why, in words."""

    update: bool
    move: bool
    words: str


def cancel_folder(
    names: Mapping[int, str], chosen: int | None, default: str
) -> tuple[int | None, str]:
    """The folder for cancelled orders: the store's choice, else the one named `default`.

    Its id is None while no such folder exists (the first cancellation makes `default`).
    """
    if chosen in names:
        return chosen, names[chosen]
    named = [folder_id for folder_id, name in names.items() if name == default]
    return (named[0] if named else None), default


def plan_change(rule: str, folder: FolderFacts, *, cancelled: bool, cancel_to: str) -> ChangePlan:
    """Decide what a change does to the order under the rule, from the folder it is in."""
    update = rule == UPDATE_NEW and folder.is_new and not folder.is_final
    move = cancelled and not folder.is_final and not folder.is_cancelled
    if update:
        words = "Updated here" + (f" and moved to {cancel_to}." if move else ".")
    elif move:
        words = (
            f"Moved to {cancel_to} from {folder.name}; its lines and fields were left as they "
            f"were, as {_why_kept(rule, folder)}."
        )
    else:
        words = f"Only noted, as {_why_kept(rule, folder)}: the order was left as it was."
    return ChangePlan(update=update, move=move, words=words)


def _why_kept(rule: str, folder: FolderFacts) -> str:
    """Why the order's fields and lines were not updated, as a clause."""
    if folder.is_final:
        return f"{folder.name} is a final folder"
    if rule == NOTE:
        return "your rule is to only note changes"
    return f"the order had moved on from the folder for new orders to {folder.name}"
