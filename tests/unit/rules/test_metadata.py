import pytest

from webapp.rules import MetadataError, format_metadata, parse_metadata


def test_parse_reads_name_value_lines_and_ignores_blank_lines():
    text = "skip_push|1\n\n  color | Navy Blue \nnote|a|b\n"
    assert parse_metadata(text) == {"skip_push": "1", "color": "Navy Blue", "note": "a|b"}


def test_parse_keeps_an_empty_value():
    assert parse_metadata("skip_joor|") == {"skip_joor": ""}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a|1\nno separator", 2, "no '|'"),
        ("|1", 1, "name before '|' is empty"),
        ("a|1\nb|2\na|3", 3, "'a' is set twice"),
    ],
)
def test_parse_refuses_a_bad_line_naming_line_and_reason(text, line, words):
    with pytest.raises(MetadataError) as caught:
        parse_metadata(text)
    assert caught.value.line == line
    assert words in str(caught.value)
    assert f"line {line}" in str(caught.value)


def test_format_round_trips_through_parse():
    values = {"skip_push": "1", "color": "Navy Blue", "x": ""}
    assert parse_metadata(format_metadata(values)) == values
