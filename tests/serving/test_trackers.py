"""serving.trackers: a slot copied by the fast `__copy__` is the copy `copy.copy` made."""

from __future__ import annotations

import copy

import pytest
from rasa.shared.core.slots import (
    AnySlot,
    BooleanSlot,
    CategoricalSlot,
    FloatSlot,
    ListSlot,
    Slot,
    TextSlot,
)

from serving.trackers import slot_copy

MAPPINGS = [{"type": "custom"}]
SLOTS = [
    TextSlot("role", MAPPINGS, initial_value="mentor"),
    BooleanSlot("done", MAPPINGS),
    FloatSlot("count", MAPPINGS, max_value=3.0),
    ListSlot("files", MAPPINGS, initial_value=["a.pdf"]),
    CategoricalSlot("next_step", MAPPINGS, values=["listen", "ticket"]),
    AnySlot("draft", MAPPINGS),
]


@pytest.mark.parametrize("slot", SLOTS, ids=lambda slot: slot.name)
def test_the_copy_is_copy_copys(slot: Slot):
    """Same class, same attributes (values shared, as in a shallow copy), a distinct object."""
    ours, theirs = slot_copy(slot), copy.copy(slot)
    assert type(ours) is type(theirs) is type(slot)
    assert ours.__dict__ == theirs.__dict__ == slot.__dict__
    assert ours is not slot


@pytest.mark.parametrize("slot", SLOTS, ids=lambda slot: slot.name)
def test_setting_the_copy_leaves_the_original(slot: Slot):
    """A value set on the copy is not seen on the slot it was copied from."""
    before = slot.value
    copied = slot_copy(slot)
    copied.value = None if before is not None else "x"
    assert slot.value == before
    assert copied.has_been_set and not slot.has_been_set
