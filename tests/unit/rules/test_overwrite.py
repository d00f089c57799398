"""Overwrite mode: Updates once JOOR holds the snapshot, a full one when it may not; the guard."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.rules.helpers import make_item
from webapp.rules import (
    IdentifierSettings,
    WarehouseState,
    compile_identifiers,
    first_overwrite,
    plan_push,
    should_confirm_overwrite,
)
from webapp.rules import overwrite as why

SIZES = ("XS", "S", "M", "L", "10", "12")
SYNCED = WarehouseState(overwritten_before=True, synced=True)
# Style Identifier settings as in issue 21: four fields from the item's metadata.
TEMPLATES = {
    "style_number": "{{ item.metadata.style }}",
    "style_identifier": "{{ item.metadata.season }}",
    "color_code": "{{ item.metadata.color }}",
    "size": "{{ item.metadata.size }}",
}


def builder(**changes: str):
    return compile_identifiers(IdentifierSettings("style", {**TEMPLATES, **changes}))


def catalogue(styles: int = 19, **extra: str) -> list:
    """114 items: 19 styles of one colour in six sizes (four of them letters); ST0-XS at 0."""
    return [
        make_item(
            f"ST{n}-{size}", item_id=n * 10 + i, stock=n + i,
            metadata={"style": f"ST{n}", "season": "SS26", "color": "NVY", "size": size, **extra},
        )
        for n in range(styles) for i, size in enumerate(SIZES)
    ]  # fmt: skip


def pushed_state(items, build=None):
    """What JOOR holds after a confirmed full Overwrite of these items: pushed and held."""
    build = build or builder()
    keys = {item.code: build.build(item).key for item in items}
    pushed = {keys[item.code]: item.stock for item in items}
    held = {keys[item.code]: (item.code, item.stock) for item in items if item.stock > 0}
    return pushed, held


def plan(items, pushed, held, state=SYNCED, build=None):
    return plan_push(
        items, builder=build or builder(), mode="overwrite", warehouse="Default",
        pushed=pushed, known_keys=held, held=held, state=state,
    )  # fmt: skip


def test_once_joor_holds_the_snapshot_an_edit_goes_as_an_update_of_its_sku():
    items = catalogue()
    pushed, held = pushed_state(items)
    edited = [*items[:5], make_item(items[5].code, item_id=5, stock=99, metadata=items[5].metadata)]

    result = plan([*edited, *items[6:]], pushed, held)

    assert not result.snapshot and result.full_because is None
    assert [(s.code, s.quantity) for s in result.send] == [(items[5].code, 99)]
    assert result.drops == [] and not should_confirm_overwrite(result)


def test_a_sku_leaving_the_set_makes_the_push_a_full_snapshot_naming_it():
    items = catalogue()
    pushed, held = pushed_state(items)
    skipped = make_item(items[7].code, item_id=7, stock=items[7].stock,
                        metadata={**items[7].metadata, "skip_joor": "1"})  # fmt: skip

    result = plan([item for item in items if item.code != items[7].code] + [skipped], pushed, held)

    assert result.snapshot and result.full_because == why.LEFT
    assert result.left == [items[7].code] and len(result.drops) == 1
    assert len(result.send) == 113 and not should_confirm_overwrite(result)


def test_a_full_snapshot_when_asked_unsynced_or_after_new_settings():
    items = catalogue(2)
    pushed, held = pushed_state(items)
    for state, reason in [
        (WarehouseState(overwritten_before=True, synced=True, full=True), why.ASKED),
        (WarehouseState(overwritten_before=True), why.UNSYNCED),
        (WarehouseState(overwritten_before=True, settings_changed=True), why.SETTINGS),
        (WarehouseState(), why.FIRST),
    ]:
        result = plan(items, pushed, held, state)
        assert (result.snapshot, result.full_because, len(result.send)) == (True, reason, 12)


def test_lowercasing_sizes_is_a_first_overwrite_and_counts_skus_not_styles():
    # Issue 21: 78 of 114 SKUs changed identifier, every style stayed: it went out unasked.
    items = catalogue()
    pushed, held = pushed_state(items)
    lower = builder(size="{{ item.metadata.size|lower }}")
    state = WarehouseState(overwritten_before=True, settings_changed=True)

    result = plan(items, pushed, held, state, build=lower)

    # The 76 letter sizes change; JOOR holds none of ST0-XS (its count is 0).
    assert result.dropped_style_count == 0 and len(result.drops) == 75
    assert result.identifiers_changed == 75 and result.full_because == why.IDENTIFIERS
    assert first_overwrite(result) and should_confirm_overwrite(result)


def test_a_template_change_that_keeps_every_identifier_is_no_first_overwrite():
    items = catalogue()
    pushed, held = pushed_state(items)
    same = builder(size="{{ item.metadata.size|trim }}")
    state = WarehouseState(overwritten_before=True, settings_changed=True)

    result = plan(items, pushed, held, state, build=same)

    assert result.full_because == why.SETTINGS and result.drops == []
    assert not first_overwrite(result) and not should_confirm_overwrite(result)


def test_skipping_all_but_one_sku_per_style_needs_a_yes_though_no_style_drops():
    # Issue 21: 106 of 114 SKUs were zeroed with the warning "no style would be dropped".
    items = catalogue()
    pushed, held = pushed_state(items)
    kept = {f"ST{n}-XS" for n in range(19)}
    skipping = [
        item if item.code in kept else
        make_item(item.code, item_id=item.id, stock=item.stock,
                  metadata={**item.metadata, "skip_push": "1"})
        for item in items
    ]  # fmt: skip

    result = plan(skipping, pushed, held)

    assert result.dropped_style_count == 0 and result.known_style_count == 19
    assert (len(result.drops), result.known_sku_count) == (95, 113)  # JOOR holds no ST0-XS
    assert not first_overwrite(result) and should_confirm_overwrite(result)


def test_an_item_whose_own_identifier_changed_is_no_first_overwrite():
    items = catalogue(2)
    pushed, held = pushed_state(items)
    renamed = make_item(items[1].code, item_id=items[1].id, stock=items[1].stock,
                        metadata={**items[1].metadata, "size": "Small"})  # fmt: skip

    result = plan([items[0], renamed, *items[2:]], pushed, held)

    assert result.full_because == why.LEFT and result.identifiers_changed == 1
    assert not first_overwrite(result) and not should_confirm_overwrite(result)


@settings(max_examples=120)
@given(
    st.lists(st.tuples(st.integers(0, 30), st.booleans(), st.booleans()), min_size=1, max_size=12),
    st.data(),
)
def test_what_joor_holds_after_the_push_is_the_snapshot_whichever_kind_it_was(specs, data):
    items = [
        make_item(f"ST{n}-M", item_id=n, stock=stock,
                  metadata={"style": f"ST{n}", "season": "S", "color": "C", "size": "M",
                            **({"skip_joor": "1"} if skip else {})})
        for n, (stock, skip, _gone) in enumerate(specs)
    ]  # fmt: skip
    before = [make_item(i.code, item_id=i.id, stock=data.draw(st.integers(0, 30)),
                        metadata={k: v for k, v in i.metadata.items() if k != "skip_joor"})
              for i in items]  # fmt: skip
    pushed, held = pushed_state(before)
    now = [item for item, (_stock, _skip, gone) in zip(items, specs, strict=True) if not gone]
    full = plan(now, pushed, held, WarehouseState(overwritten_before=True))
    result = plan(now, pushed, held)

    joor = {key: quantity for key, quantity in pushed.items() if quantity}
    if result.snapshot and result.send:
        joor = {}  # the snapshot's first call replaces what JOOR held
    joor.update({sku.key: sku.quantity for sku in result.send})
    snapshot = {sku.key: sku.quantity for sku in full.send} if full.send else dict(joor)
    assert {k: q for k, q in joor.items() if q} == {k: q for k, q in snapshot.items() if q}
