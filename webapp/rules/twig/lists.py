"""Twig's filters on lists and arrays, keyed as PHP keys them."""

from __future__ import annotations

import functools
import math
from typing import Any

from webapp.rules.twig.frames import need_arrow
from webapp.rules.twig.values import (
    TwigValueError,
    is_array,
    is_truthy,
    lookup,
    make_array,
    numeric_text,
    pairs,
    php_compare,
    php_key,
    to_int,
    to_number,
    to_text,
    values_of,
)


def _need_array(value: object, name: str) -> None:
    if not is_array(value):
        raise TwigValueError(f"{name} works on a list")


def _array_slice(items: list[tuple[Any, Any]], start: int, length: int | None, keep: bool):
    """PHP's array_slice over pairs: string keys kept, int keys renumbered unless `keep`."""
    size = len(items)
    begin = max(size + start, 0) if start < 0 else min(start, size)
    end = size if length is None else size + length if length < 0 else begin + length
    chosen = items[begin:end] if end > begin else []
    return _renumber(chosen, keep)


def _renumber(items: list[tuple[Any, Any]], keep: bool = False) -> Any:
    if keep:
        return make_array(items)
    out: list[tuple[Any, Any]] = []
    next_index = 0
    for key, value in items:
        if type(key) is int:
            key, next_index = next_index, next_index + 1
        out.append((key, value))
    return make_array(out)


def _substr(text: str, start: int, length: int | None) -> str:
    """PHP's mb_substr: negative start counts from the end, negative length leaves off."""
    size = len(text)
    begin = max(size + start, 0) if start < 0 else min(start, size)
    if length is None:
        return text[begin:]
    end = size + length if length < 0 else begin + length
    return text[begin:end] if end > begin else ""


def twig_slice(value: object, start: object, length: object = None, keep: object = False) -> Any:
    """Twig's slice(start, length) on text and arrays."""
    begin = to_int(start)
    count = None if length is None else to_int(length)
    if is_array(value):
        return _array_slice(list(pairs(value)), begin, count, is_truthy(keep))
    return _substr(to_text(value), begin, count)


def twig_first(value: object) -> Any:
    part = twig_slice(value, 0, 1)
    if isinstance(part, str):
        return part
    items = values_of(part)
    return items[0] if items else False


def twig_last(value: object) -> Any:
    part = twig_slice(value, -1, 1)
    if isinstance(part, str):
        return part
    items = values_of(part)
    return items[0] if items else False


def twig_length(value: object) -> int:
    if value is None:
        return 0
    if is_array(value):
        return len(list(pairs(value)))
    return len(to_text(value))


def twig_keys(value: object) -> list[Any]:
    return [key for key, _ in pairs(value)]


def twig_reverse(value: object, keep: object = False) -> Any:
    if is_array(value):
        return _renumber(list(pairs(value))[::-1], is_truthy(keep))
    return to_text(value)[::-1]


def twig_merge(first: object, second: object) -> Any:
    """array_merge: int keys renumbered after the first list, text keys overwritten."""
    _need_array(first, "merge")
    _need_array(second, "merge")
    merged: dict[Any, Any] = {}
    next_index = 0
    for key, value in [*pairs(first), *pairs(second)]:
        if type(key) is int:
            key, next_index = next_index, next_index + 1
        merged[key] = value
    return make_array(list(merged.items()))


def twig_sort(value: object, arrow: object = None) -> Any:
    """asort (or uasort with an arrow): values in order, each keeping its key."""
    _need_array(value, "sort")
    if arrow is None:
        compare = php_compare
    else:
        need_arrow(arrow, "sort")

        def compare(a: object, b: object) -> int:
            return _sort_answer(arrow(a, b))  # type: ignore[operator]

    items = sorted(pairs(value), key=functools.cmp_to_key(lambda x, y: compare(x[1], y[1])))
    return make_array(items)


def _sort_answer(answer: object) -> int:
    """A sort arrow's answer read as PHP's usort reads it (an integer)."""
    if isinstance(answer, str):
        number = numeric_text(answer)
        return int(number) if number is not None else 0
    return int(to_number(answer)) if not is_array(answer) else 1


def twig_map(value: object, arrow: object) -> Any:
    _need_array(value, "map")
    need_arrow(arrow, "map")
    return make_array([(k, arrow(v, k)) for k, v in pairs(value)])  # type: ignore[operator]


def twig_filter(value: object, arrow: object) -> Any:
    _need_array(value, "filter")
    need_arrow(arrow, "filter")
    kept = [(k, v) for k, v in pairs(value) if is_truthy(arrow(v, k))]  # type: ignore[operator]
    return make_array(kept)


def twig_reduce(value: object, arrow: object, initial: object = None) -> Any:
    need_arrow(arrow, "reduce")
    _need_array(value, "reduce")
    result = initial
    for key, item in pairs(value):
        result = arrow(result, item, key)  # type: ignore[operator]
    return result


def twig_column(value: object, name: object, index: object = None) -> Any:
    """array_column: one field of every row, keyed by another field when asked."""
    _need_array(value, "column")
    out: list[tuple[Any, Any]] = []
    next_index = 0
    for _, row in pairs(value):
        if not is_array(row):
            continue
        if name is None:
            found, cell = True, row
        else:
            found, cell = lookup(row, name)
        if not found:
            continue
        key_found, key = lookup(row, index) if index is not None else (False, None)
        if key_found and type(key) in (int, str):
            key = php_key(key)
            next_index = max(next_index, key + 1) if type(key) is int else next_index
        else:
            key, next_index = next_index, next_index + 1
        out.append((key, cell))
    return make_array(list(dict(out).items()))


def twig_batch(value: object, size: object, fill: object = None, keep: object = True) -> Any:
    """array_chunk into lists of `size`, the last one padded with `fill` when given."""
    _need_array(value, "batch")
    width = math.ceil(to_number(size))
    if width < 1:
        raise TwigValueError("batch needs a size of 1 or more")
    items = list(pairs(value))
    chunks = [items[i : i + width] for i in range(0, len(items), width)]
    keep_keys = is_truthy(keep)
    result = [_renumber(chunk, keep_keys) for chunk in chunks]
    if fill is not None and chunks and len(chunks[-1]) < width:
        last = list(pairs(result[-1]))
        next_index = max([k + 1 for k, _ in last if type(k) is int], default=0)
        last += [(next_index + n, fill) for n in range(width - len(chunks[-1]))]
        result[-1] = make_array(last)
    return result
