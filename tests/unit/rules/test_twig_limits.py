"""Templates too big or too deep are refused in words, never a RecursionError (issue 21 item 8)."""

import time

import pytest

from tests.unit.rules.helpers import make_item
from webapp.rules import TemplateError, compile_template
from webapp.rules.twig import MAX_SOURCE


@pytest.mark.parametrize(
    "source",
    [
        "{% if 1 %}" * 300 + "x" + "{% endif %}" * 300,
        "{{ " + "(" * 500 + "1" + ")" * 500 + " }}",
        "{{ " + "[" * 200 + "]" * 200 + " }}",
        "{{ " + "-" * 600 + "1 }}",
        "{{ 1" + " ~ 1" * 400 + " }}",
        "{{ x" + "|upper" * 300 + " }}",
    ],
)
def test_deep_nesting_is_refused_in_words(source):
    with pytest.raises(TemplateError, match="nests more than 64 levels deep"):
        compile_template(source[:MAX_SOURCE], "Size")


def test_a_template_past_the_size_limit_is_refused_before_it_is_read():
    source = "{{ item.code }}" * 350_000
    with pytest.raises(TemplateError, match="5,250,000 characters long; the limit is 2,000"):
        compile_template(source, "Size")


def test_a_template_at_the_limit_still_compiles():
    source = "{{ item.code }}{#" + "x" * (MAX_SOURCE - 19) + "#}"
    assert len(source) == MAX_SOURCE
    assert compile_template(source, "Size").render(make_item()) == "ST1-RED-M"


def test_a_pathological_regex_is_stopped_and_refused_in_words():
    template = compile_template("{{ item.code matches '/(a+)+$/' }}", "Size")
    with pytest.raises(TemplateError, match="matches took too long on this text"):
        template.render(make_item("a" * 5_000 + "!"))


def test_a_render_past_its_deadline_stops_with_a_clear_error():
    template = compile_template("{% for i in 1..1000 %}{% endfor %}", "Size")
    with pytest.raises(TemplateError, match="took too long to render"):
        template.render(make_item(), deadline=time.monotonic() - 1)
