"""Hostile templates are refused at save time or stopped while rendering, with a clear error."""

import pytest

from tests.unit.rules.helpers import make_item
from webapp.rules import TemplateError, compile_template

REFUSED_AT_SAVE = [
    ("{{ ''.__class__.__mro__ }}", "`__class__` is not available"),
    ("{{ item.__class__ }}", "`__class__` is not available"),
    ("{{ item['_secret'] }}", "`_secret` is not available"),
    ("{{ _self }}", "`_self` is not available"),
    ("{{ _context|keys|join }}", "`_context` is not available"),
    ("{{ ''.__class__ }}", "`__class__` is not available"),
    ("{{ item['__class__'] }}", "`__class__` is not available"),
    ("{{ ''.mro }}", "`mro` is not available"),
    ("{{ cycler.__init__.__globals__ }}", "is not available"),
    ("{{ cycler }}", "`cycler` is not available"),
    ("{{ lipsum }}", "`lipsum` is not available"),
    ("{{ joiner }}", "`joiner` is not available"),
    ("{{ namespace }}", "`namespace` is not available"),
    ("{{ dict(a=1) }}", "there is no function named 'dict'"),
    ("{{ random() }}", "there is no function named 'random'"),
    ("{{ include('x') }}", "there is no function named 'include'"),
    ("{{ template_from_string('x') }}", "there is no function named 'template_from_string'"),
    ("{{ self }}", "`self` is not available"),
    ("{{ config }}", "`config` is not available"),
    ("{{ request }}", "`request` is not available"),
    ("{{ item.code.upper() }}", "methods cannot be called in templates"),
    ("{{ item.metadata|map('system') }}", "needs an arrow function"),
    ("{{ item.code|attr('__class__') }}", "no filter named 'attr'"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "`{% macro %}` is not available"),
    ("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}", "unexpected 'recursive'"),
    ("{{ 1 is constant('PHP_EOL') }}", "`constant` test is not available"),
    ("{{ item.code|convert_encoding('UTF-8', 'ISO-8859-1') }}", "no filter named"),
    ("{% sandbox %}{% endsandbox %}", "`{% sandbox %}` is not available"),
    ("{% extends 'base.html' %}", "`{% extends %}` is not available"),
    ("{% import 'x' as y %}", "`{% import %}` is not available"),
    ("{% set _x = 1 %}", "`_x` is not available"),
]

STOPPED_AT_RENDER = [
    ("{% for i in range(0, 10**9) %}x{% endfor %}", "range is limited to 1,000 values"),
    ("{{ 'a' * 10**9 }}", "'a' is not a number"),
    ("{{ 9**9**9 }}", "the number is too large"),
    ("{{ 10**100 }}", "the number is too large"),
    ("{{ 2**64 }}", "the number is too large"),
    (
        "{% for i in range(1, 1000) %}{% for j in range(1, 1000) %}{% endfor %}{% endfor %}",
        "loops are limited to 10,000 steps",
    ),
    (
        "{% set s = 'ab' %}{% for i in range(1, 200) %}{% set s = s ~ s %}{{ s }}{% endfor %}",
        "longer than",
    ),
    ("{{ '%999999999s'|format('a') }}", "format width is limited"),
]


@pytest.mark.parametrize(("source", "words"), REFUSED_AT_SAVE)
def test_hostile_templates_are_refused_when_saved(source, words):
    with pytest.raises(TemplateError) as caught:
        compile_template(source, "Style Number")
    assert words in str(caught.value)


@pytest.mark.parametrize(("source", "words"), STOPPED_AT_RENDER)
def test_runaway_templates_stop_with_a_clear_error(source, words):
    template = compile_template(source, "Style Number")
    with pytest.raises(TemplateError) as caught:
        template.render(make_item())
    assert words in str(caught.value)


def test_attributes_of_python_objects_are_never_reached_at_runtime():
    # A key looked up dynamically cannot be checked at save time; it must still find nothing.
    template = compile_template("{% set k = 'up' ~ 'per' %}[{{ item.code[k] }}]", "Size")
    assert template.render(make_item()) == "[]"
