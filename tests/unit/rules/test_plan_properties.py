"""Properties of push plans over generated items."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.rules.helpers import STYLE_TEMPLATES, make_item
from webapp.rules import IdentifierSettings, compile_identifiers, plan_push, should_skip

BUILDERS = {
    kind: compile_identifiers(IdentifierSettings(kind, STYLE_TEMPLATES))
    for kind in ("upc", "style")
}
flag_values = st.sampled_from(["1", "0", "", "true", "yes", "no"])
item_specs = st.lists(
    st.tuples(
        st.integers(0, 8),  # few styles, so identifiers collide sometimes
        st.sampled_from(["S", "M", "", "L"]),
        st.one_of(st.none(), st.integers(-2, 20)),
        st.dictionaries(st.sampled_from(["skip_push", "skip_joor"]), flag_values),
    ),
    max_size=25,
)


def build_items(specs):
    return [
        make_item(
            f"{style:03d}{size}-{n}",
            item_id=n,
            stock=stock,
            metadata={"style": f"ST{style}", **flags},
            variations={"Color": "Red", **({"Size": size} if size else {})},
        )
        for n, (style, size, stock, flags) in enumerate(specs)
    ]


@settings(max_examples=150)
@given(item_specs, st.sampled_from(["upc", "style"]), st.sampled_from(["update", "overwrite"]))
def test_a_plan_never_sends_a_skipped_item_or_an_identifier_twice(specs, kind, mode):
    items = build_items(specs)
    plan = plan_push(iter(items), builder=BUILDERS[kind], mode=mode, warehouse="W", pushed={})
    skipped = {item.code for item in items if should_skip(item) is not None}
    assert not skipped & {sku.code for sku in plan.send}
    keys = [sku.key for sku in plan.send]
    assert len(keys) == len(set(keys))
    assert all(sku.quantity >= 0 and type(sku.quantity) is int for sku in plan.send)


@settings(max_examples=150)
@given(item_specs, st.sampled_from(["upc", "style"]), st.data())
def test_applying_update_gives_what_overwrite_gives(specs, kind, data):
    items = build_items(specs)
    builder = BUILDERS[kind]
    keys = [built.key for built in map(builder.build, items) if hasattr(built, "key")]
    known = data.draw(st.lists(st.sampled_from([*keys, "upc:gone", "style:GONE|NOS|RED|M"])))
    pushed = {key: data.draw(st.integers(0, 20)) for key in known}
    common = {"builder": builder, "warehouse": "W", "pushed": pushed, "known_keys": pushed}
    update = plan_push(items, mode="update", **common)
    overwrite = plan_push(items, mode="overwrite", **common)
    joor_after_update = {**pushed, **{sku.key: sku.quantity for sku in update.send}}
    # An Overwrite with nothing in it is never sent: JOOR keeps what it holds.
    sent = {sku.key: sku.quantity for sku in overwrite.send}
    joor_after_overwrite = sent if overwrite.send else dict(pushed)
    for key in overwrite.drops:
        joor_after_update.pop(key)
    assert joor_after_update == joor_after_overwrite
