"""A hypothesis strategy for Twig templates drawn from Twig 3's grammar, and the items they see.

Deliberately left out, because ours refuses what PHP computes there (each refusal is tested on
its own): numbers past 64 bits (`**` has small operands), unknown variables and functions,
filters given non-arrow callables, and `'now'|date`.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from webapp.rules import StockItem

ITEMS = [
    StockItem(
        1,
        "AB-12-RED",
        "Chemise légère",
        "0123456789012",
        Decimal("12.50"),
        3,
        {"style": "ab12", "season": "SS25", "color": "Navy Blue", "flag": "0", "n": "7"},
        {"Color": "Red/Green", "Size": "M"},
    ),
    StockItem(2, "ZZ 9", "Ünïcödé & <b>bold</b>", None, None, None, {"n": None}, {}),
    StockItem(
        3,
        "0042",
        "it's o'neil's 1st",
        "",
        Decimal("1234567.455"),
        0,
        {"style": "", "season": "0", "n": " 12", "amount": "42.55", "flag": "1.5e3"},
        {"Color": "  Off White ", "Size": "XL"},
    ),
]
FIELDS = [
    "item.code", "item.name", "item.upc", "item.price", "item.stock", "item.id",
    "item.metadata.style", "item.metadata.season", "item.metadata.n", "item.metadata.flag",
    "item.metadata.amount", "item.metadata.missing", "item.variation_list.Color",
    "item.variation_list.Size", "item.metadata['n']", "item.variation_list",
]  # fmt: skip
TEXTS = ["", "0", "1", "12", " 7", "1.5", "-3", "abc", "a-b-c", "AB 12", "é", "Ünï", "x/y", "1e2"]
NUMBERS = ["0", "1", "2", "3", "7", "10", "-1", "-4", "0.5", "2.5", "-2.5", "1.25", "3.0", "0.1"]
UNARY_FILTERS = [
    "upper", "lower", "title", "capitalize", "trim", "length", "first", "last", "reverse",
    "abs", "round", "striptags", "spaceless", "nl2br", "url_encode", "e", "raw", "default",
    "join", "keys|join(',')", "number_format", "json_encode", "sort|join(',')",
]  # fmt: skip
ARGUMENT_FILTERS = [
    "slice(1, 2)", "slice(-2)", "slice(0, -1)", "split('-')|join('+')", "split('')|join('.')",
    "split('-', 2)|last", "replace({'a': 'b', '-': '_'})", "join(', ', ' and ')",
    "default('none')", "round(1)", "round(0, 'floor')", "round(0, 'ceil')",
    "number_format(2, ',', '.')", "trim('-', 'left')", "format('x')", "merge([1, 'b'])|join",
    "batch(2, 'z')|map(b => b|join)|join('/')", "map(x => x ~ '!')|join",
    "filter(x => x)|join(',')", "reduce((a, b) => a ~ b, '>')", "map((v, k) => k)|join",
    "sort((a, b) => b <=> a)|join", "column('a')|join", "e('url')",
]  # fmt: skip
BINARY = [
    "~", "+", "-", "*", "/", "//", "%", "==", "!=", "<", ">", "<=", ">=", "<=>", "and", "or",
    "in", "not in", "starts with", "ends with", "??", "?:",
]  # fmt: skip
TESTS = [
    "defined", "null", "none", "empty", "even", "odd", "iterable", "divisible by(3)",
    "same as(1)", "same as('1')", "same as(null)",
]  # fmt: skip
PATTERNS = ["'/^a/'", "'/\\d+/'", "'/é/u'", "'/^[A-Z]+$/i'", "'/b$/'", "'/\\s/'"]


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def literals() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.sampled_from(TEXTS).map(_quote),
        st.sampled_from(["null", "true", "false", "none"]),
        st.lists(st.sampled_from(NUMBERS + ["'b'", "'a'"]), max_size=4).map(
            lambda xs: "[" + ", ".join(xs) + "]"
        ),
        st.sampled_from(["{a: 1, b: 'x'}", "{'1': 'one', 0: 'zero'}", "[{a: 1}, {a: 'q'}]"]),
    )


def atoms() -> st.SearchStrategy[str]:
    return st.one_of(literals(), st.sampled_from(FIELDS), st.sampled_from(FIELDS))


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(BINARY), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.sampled_from(UNARY_FILTERS)).map(lambda t: f"{t[0]}|{t[1]}"),
        st.tuples(inner, st.sampled_from(ARGUMENT_FILTERS)).map(lambda t: f"{t[0]}|{t[1]}"),
        st.tuples(inner, st.sampled_from(TESTS), st.booleans()).map(
            lambda t: f"({t[0]} is {'not ' if t[2] else ''}{t[1]})"
        ),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} ? {t[1]})"),
        st.tuples(inner).map(lambda t: f"(not {t[0]})"),
        st.tuples(inner).map(lambda t: f"(-{t[0]})"),
        st.tuples(inner, st.sampled_from(PATTERNS)).map(lambda t: f"({t[0]} matches {t[1]})"),
        st.tuples(inner, st.sampled_from(["0", "1", "-1", "'a'", "'Color'"])).map(
            lambda t: f"{t[0]}[{t[1]}]"
        ),
        st.tuples(inner, st.sampled_from(["1:2", ":2", "1:", "-2:"])).map(
            lambda t: f"{t[0]}[{t[1]}]"
        ),
        st.tuples(st.integers(0, 12), st.integers(0, 3)).map(lambda t: f"({t[0]} ** {t[1]})"),
        # On two texts PHP's bitwise operators work byte by byte and can make invalid UTF-8.
        st.tuples(
            st.sampled_from(NUMBERS + ["item.stock", "item.id"]),
            st.sampled_from(["b-and", "b-or", "b-xor"]),
            st.sampled_from(NUMBERS),
        )
        .map(" ".join)
        .map("({})".format),
        st.tuples(inner).map(lambda t: f'"<#{{{t[0]}}}>"'),
        st.tuples(st.sampled_from(["1..3", "'a'..'c'", "range(3, 1)", "range(0, 6, 2)"])).map(
            lambda t: f"{t[0]}|join(',')"
        ),
        st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
    )


def expressions() -> st.SearchStrategy[str]:
    return st.recursive(atoms(), _extend, max_leaves=6)


def _statements(expression: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    printed = expression.map(lambda e: "{{ " + e + " }}")
    text = st.sampled_from(["", "-", " x ", "\n", "é"])
    return st.one_of(
        printed,
        st.tuples(printed, text, printed).map("".join),
        st.tuples(expression, printed, printed).map(
            lambda t: f"{{% if {t[0]} %}}{t[1]}{{% else %}}{t[2]}{{% endif %}}"
        ),
        st.tuples(expression, expression, printed).map(
            lambda t: f"{{% if {t[0]} %}}a{{% elseif {t[1]} %}}{t[2]}{{% endif %}}"
        ),
        st.tuples(expression, expression).map(
            lambda t: (
                f"{{% for k, v in {t[0]} %}}{{{{ loop.index }}}}:{{{{ k }}}}={{{{ v ~ {t[1]} }}}};"
                f"{{% else %}}none{{% endfor %}}"
            )
        ),
        st.tuples(expression, expression).map(
            lambda t: (
                f"{{% set s = {t[0]} %}}{{% for x in [1, 2] %}}{{% set s = s ~ x %}}"
                f"{{% endfor %}}{{{{ s ~ {t[1]} }}}}"
            )
        ),
        st.tuples(expression).map(
            lambda t: f"{{% apply upper|trim %}} {{{{ {t[0]} }}}} {{% endapply %}}"
        ),
        st.tuples(expression).map(
            lambda t: f"a  {{{{- {t[0]} -}}}}  b\n{{%- if 1 -%}} c {{%- endif %}}"
        ),
    )


def templates() -> st.SearchStrategy[str]:
    return _statements(expressions())


def cases() -> st.SearchStrategy[tuple[str, StockItem]]:
    """A template and the item it renders for."""
    return st.tuples(templates(), st.sampled_from(ITEMS))
