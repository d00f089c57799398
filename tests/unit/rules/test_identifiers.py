import pytest

from tests.unit.rules.helpers import STYLE_TEMPLATES, make_item
from webapp.rules import (
    STYLE_FIELDS,
    Identifier,
    IdentifierSettings,
    SkipReason,
    TemplateError,
    compile_identifiers,
    style_of_key,
)
from webapp.rules.identifiers import payload_of_key


def test_style_field_names_and_labels():
    assert STYLE_FIELDS == {
        "style_number": "Style Number",
        "style_identifier": "Style Identifier",
        "color_code": "Color Code",
        "size": "Size",
    }


def test_upc_mode_reads_the_items_code():
    built = compile_identifiers(IdentifierSettings("upc", {})).build(make_item(" 0123456789012 "))
    assert built == Identifier("upc:0123456789012", {"upc": "0123456789012"}, "0123456789012")


def test_upc_mode_skips_an_empty_code():
    built = compile_identifiers(IdentifierSettings("upc", {})).build(make_item("   "))
    assert isinstance(built, SkipReason) and built.code == "empty_identifier"
    assert "UPC" in built.message


def test_style_mode_renders_all_four_fields_stripped():
    builder = compile_identifiers(IdentifierSettings("style", STYLE_TEMPLATES))
    built = builder.build(make_item(variations={"Color": " red ", "Size": "L"}))
    assert built.payload == {
        "style_number": "ST1",
        "style_identifier": "NOS",
        "color_code": "RED",
        "size": "L",
    }
    assert built.key == "style:ST1|NOS|RED|L"
    assert built.style_key == "ST1|NOS"


def test_style_mode_skips_naming_the_empty_field():
    builder = compile_identifiers(IdentifierSettings("style", STYLE_TEMPLATES))
    built = builder.build(make_item(variations={"Size": "L"}))
    assert isinstance(built, SkipReason) and built.code == "empty_identifier"
    assert built.message.startswith("Color Code is empty")


def test_a_missing_template_is_an_empty_field():
    builder = compile_identifiers(IdentifierSettings("style", {"style_number": "{{ item.code }}"}))
    assert builder.build(make_item()).message.startswith("Style Identifier is empty")


def test_a_bad_template_is_refused_when_compiled_with_its_label():
    templates = {**STYLE_TEMPLATES, "color_code": "{{ item.code }"}
    with pytest.raises(TemplateError, match="^Color Code: unexpected '}' at line 1"):
        compile_identifiers(IdentifierSettings("style", templates))


def test_values_containing_the_separator_cannot_collide():
    builder = compile_identifiers(
        IdentifierSettings(
            "style",
            {
                "style_number": "{{ item.metadata.a }}",
                "style_identifier": "{{ item.metadata.b }}",
                "color_code": "C",
                "size": "S",
            },
        )
    )
    one = builder.build(make_item(metadata={"a": "x|y", "b": "z"}))
    two = builder.build(make_item(metadata={"a": "x", "b": "y|z"}))
    assert one.key != two.key
    assert style_of_key(one.key) == one.style_key
    assert style_of_key(two.key) == two.style_key
    assert style_of_key("upc:123") == "123"


@pytest.mark.parametrize("a", ["x|y", "back\\slash|", "\\|\\", "plain", "line\nbreak\\"])
def test_a_key_gives_back_the_fields_it_was_made_from(a):
    builder = compile_identifiers(
        IdentifierSettings(
            "style",
            {
                "style_number": "{{ item.metadata.a }}",
                "style_identifier": "{{ item.metadata.b }}",
                "color_code": "C|",
                "size": "S",
            },
        )
    )
    built = builder.build(make_item(metadata={"a": a, "b": "z\\"}))
    assert payload_of_key(built.key) == built.payload
    assert payload_of_key("upc:0123") == {"upc": "0123"}
