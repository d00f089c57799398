from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.unit.rules.helpers import make_item
from webapp.rules import StockItem, TemplateError, compile_template

ITEM = StockItem(
    id=7,
    code="AB-12",
    name="Chemise légère",
    upc="0123456789012",
    price=Decimal("12.50"),
    stock=3,
    metadata={"color": "Navy Blue", "flag": "0", "season": "SS25"},
    variation_list={"Color": "Red/Green", "Size": "M"},
)


def render(source: str, item: StockItem = ITEM, **options) -> str:
    return compile_template(source, "Style Number", **options).render(item)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ item.code }}", "AB-12"),
        ("{{ item.metadata.color|default('') }}", "Navy Blue"),
        ("{{ item.metadata.missing|default('none') }}", "none"),
        ("[{{ item.metadata.missing }}]", "[]"),
        ("{{ item.metadata.missing.deeper.still }}", ""),
        ("{{ item.metadata['season'] }}", "SS25"),
        ("{{ item.variation_list.Color|replace({'/': '-', ' ': ''}) }}", "Red-Green"),
        ("{{ item.code ~ '-' ~ item.variation_list.Size }}", "AB-12-M"),
        ("{{ none ~ 'x' ~ null }}", "x"),
        ("{{ item.metadata.missing ~ 'x' }}", "x"),
        ("{{ '12345'|slice(1, 2) }}", "23"),
        ("{{ '12345'[1:2] }}", "23"),
        ("{{ '12345'|slice(-2) }}", "45"),
        ("{{ [1, 2, 3, 4]|slice(1, 2)|join(',') }}", "2,3"),
        ("{{ 42.55|round }}", "43"),
        ("{{ 42.55|round(1) }}", "42.6"),
        ("{{ 42.51|round(0, 'floor') }}", "42"),
        ("{{ 42.01|round(0, 'ceil') }}", "43"),
        ("{{ -2.5|round }}", "-3"),
        ("{{ 3.0 }}", "3"),
        ("{{ 7 / 2 }}|{{ 6 / 2 }}", "3.5|3"),
        ("{{ true }}|{{ false }}|{{ null }}", "1||"),
        ("{{ item.price * 2 }}", "25"),
        ("{{ item.price }}", "12.50"),
        ("{{ '%s-%03d'|format(item.code, item.stock) }}", "AB-12-003"),
        ("{{ item.code|split('-')|first|lower }}", "ab"),
        ("{{ item.code|split('-')|last }}", "12"),
        ("{{ 'a,b,c'|split(',', 2)|join('|') }}", "a|b,c"),
        ("{{ ['a', 'b', 'c']|join(', ', ' and ') }}", "a, b and c"),
        ("{{ item.name|upper }}", "CHEMISE LÉGÈRE"),
        ("{{ item.name|length }}", "14"),
        ("{{ '  padded \n'|trim }}", "padded"),
        ("{{ 'xxabcxx'|trim('x', 'left') }}", "abcxx"),
        ("{{ 'hello WORLD'|capitalize }}", "Hello world"),
        ("{{ \"it's o'neil\"|title }}", "It's O'neil"),
        ("{{ 1234567.891|number_format(2) }}", "1,234,567.89"),
        ("{{ 1234.5|number_format(1, ',', '.') }}", "1.234,5"),
        ("{{ '<b>Bold</b> text'|striptags }}", "Bold text"),
        ("{{ 'a b&c'|url_encode }}", "a%20b%26c"),
        ("{{ -4|abs }}|{{ (-4)|abs }}", "-4|4"),
        (
            "{{ '2024-03-05 14:07:09'|date('Y-m-d H:i:s D N jS F y') }}",
            "2024-03-05 14:07:09 Tue 2 5th March 24",
        ),
        ("{{ 0|date('Y-m-d') }}", "1970-01-01"),
        ("{% if item.metadata.flag %}on{% else %}off{% endif %}", "off"),
        ("{% if item.stock > 2 %}big{% elseif item.stock > 1 %}mid{% endif %}", "big"),
        ("{% if item.metadata.flag == 0 %}zero{% endif %}", "zero"),
        ("{% if 'Navy' in item.metadata.color %}navy{% endif %}", "navy"),
        ("{% if item.metadata.missing is empty %}empty{% endif %}", "empty"),
        ("{% if item.metadata.missing is not defined %}undefined{% endif %}", "undefined"),
        (
            "{% for k, v in item.variation_list %}{{ k }}={{ v }};{% endfor %}",
            "Color=Red/Green;Size=M;",
        ),
        ("{% for v in item.variation_list %}{{ v }};{% endfor %}", "Red/Green;M;"),
        ("{% for i in range(1, 3) %}{{ i }}{% endfor %}", "123"),
        ("{% for c in range('a', 'c') %}{{ c }}{% endfor %}", "abc"),
        ("{% set s = item.code|lower %}{{ s }}", "ab-12"),
        ("{{ item.metadata.color or 'x' }}", "1"),
    ],
)
def test_templates_give_twigs_answer(source, expected):
    assert render(source) == expected


def test_date_of_now_uses_the_time_handed_in():
    now = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
    assert render("{{ 'now'|date('Y-m-d H:i') }}", now=now) == "2025-06-01 09:30"
    assert render("{{ null|date('Y') }}", now=now) == "2025"


def test_date_of_now_without_a_time_is_a_clear_error():
    with pytest.raises(TemplateError, match="current date is not available"):
        render("{{ 'now'|date('Y') }}")


def test_a_null_item_field_prints_empty():
    item = make_item(stock=None)
    assert render("[{{ item.stock }}|{{ item.upc }}]", item) == "[|]"


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{{ item.code }", "Style Number: unexpected '}' at line 1"),
        ("ok\n{% if item.code %}", "at line 2"),
        ("{{ item.code|shout }}", "there is no filter named 'shout'"),
        ("{{ item.code is shouty }}", "there is no test named 'shouty'"),
        ("{% include 'other' %}", "`{% include %}` is not available"),
    ],
)
def test_a_template_that_does_not_compile_is_refused_with_field_and_line(source, words):
    with pytest.raises(TemplateError) as caught:
        compile_template(source, "Style Number")
    assert words in str(caught.value)
    assert str(caught.value).startswith("Style Number: ")


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{{ item.code * 2 }}", "'AB-12' is not a number"),
        ("{{ 1 / (item.stock - 3) }}", "division by zero"),
        ("{{ item.metadata }}", "cannot be printed as text"),
        ("{{ item.stock|round(0, 'up') }}", "round only supports"),
        ("{{ 'x'|date('Y') }}", "'x' is not a date"),
        ("{{ '%s %s'|format('a') }}", "format needs 2 values"),
    ],
)
def test_a_render_failure_is_a_template_error_in_plain_words(source, words):
    template = compile_template(source, "Size")
    with pytest.raises(TemplateError) as caught:
        template.render(ITEM)
    assert words in str(caught.value)
    assert str(caught.value).startswith("Size: ")


def test_output_is_capped_and_the_error_says_the_limit():
    with pytest.raises(TemplateError, match="longer than 255 characters"):
        render("{{ item.code|format }}" + "x" * 300)
    with pytest.raises(TemplateError, match="longer than 10 characters"):
        render("{% for i in range(1, 20) %}{{ i }}{% endfor %}", max_length=10)


def test_a_template_compiles_once_and_renders_per_item():
    template = compile_template("{{ item.code|lower }}", "Size")
    codes = [template.render(make_item(f"CODE{n}")) for n in range(3)]
    assert codes == ["code0", "code1", "code2"]
