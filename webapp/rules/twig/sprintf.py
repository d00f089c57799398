"""PHP's sprintf, which Twig's `format` filter is."""

from __future__ import annotations

import re
from collections.abc import Sequence

from webapp.rules.twig.values import TwigValueError, cast_float, to_text

_SPEC = re.compile(r"%(?:(\d+)\$)?((?:[-+ 0]|'.)*)(\d+)?(?:\.(\d+))?([bcdeEfFgGosuxX%])")
_FLAGS = re.compile(r"[-+ 0]|'.")
# A width or precision past this could only be used to build huge strings.
MAX_WIDTH = 1_000


def _convert(kind: str, value: object, precision: int | None, plus: bool) -> str:
    """Convert one argument for one conversion letter."""
    if kind == "s":
        text = to_text(value)
        return text if precision is None else text[:precision]
    number = _lenient(value)
    if kind in "dibouxXc":
        whole = int(number)
        if kind in "boxXu" and whole < 0:
            whole += 2**64
        if kind == "c":
            return chr(whole % 256)
        body = {"d": "{:d}", "u": "{:d}", "b": "{:b}", "o": "{:o}", "x": "{:x}", "X": "{:X}"}
        text = body[kind].format(abs(whole) if kind == "d" else whole)
        return ("-" if whole < 0 else "+" if plus else "") + text if kind == "d" else text
    digits = 6 if precision is None else precision
    text = format(abs(float(number)), f".{digits}{'f' if kind in 'fF' else kind}")
    if kind in "eE":
        mantissa, exponent = text.split(kind)
        text = f"{mantissa}{kind}{int(exponent):+d}"
    return ("-" if number < 0 else "+" if plus else "") + text


def _lenient(value: object) -> int | float:
    """PHP's sprintf reads numbers leniently: the leading number of text, else 0."""
    if type(value) is int:
        return value
    if isinstance(value, str):
        number = cast_float(value)
        head = value.strip(" \t\n\r\v\f")
        digits = head[1:] if head[:1] in "+-" else head
        if digits.isdigit() and digits.isascii():
            return int(head)
        return number
    return cast_float(value) if isinstance(value, (float, list, dict)) else int(value or 0)


def _pad(text: str, width: int, flags: list[str], numeric: bool) -> str:
    """Pad to `width` with the flag's fill character, left or right."""
    fill = " "
    for flag in flags:
        if flag == "0":
            fill = "0"
        elif flag.startswith("'"):
            fill = flag[1]
    # PHP pads to a width in bytes, not characters.
    missing = width - len(text.encode())
    if missing <= 0:
        return text
    if "-" in flags:
        return text + (" " if fill == "0" else fill) * missing
    if fill == "0" and numeric and text[:1] in "+-":
        return text[0] + "0" * missing + text[1:]
    return fill * missing + text


def sprintf(pattern: str, args: Sequence[object]) -> str:
    """Format like PHP's sprintf; missing arguments are an error, as in PHP 8."""
    position = 0
    out: list[str] = []
    last = 0
    for match in _SPEC.finditer(pattern):
        out.append(pattern[last : match.start()])
        last = match.end()
        argnum, flag_text, width, precision, kind = match.groups()
        if kind == "%":
            out.append("%")
            continue
        flags = _FLAGS.findall(flag_text)
        if int(width or 0) > MAX_WIDTH or int(precision or 0) > MAX_WIDTH:
            raise TwigValueError(f"format width is limited to {MAX_WIDTH}")
        index = int(argnum) - 1 if argnum else position
        position += 0 if argnum else 1
        if index >= len(args):
            raise TwigValueError(f"format needs {index + 1} values but got {len(args)}")
        digits = None if precision is None else int(precision)
        text = _convert(kind, args[index], digits, "+" in flags)
        out.append(_pad(text, int(width or 0), flags, kind not in "sc"))
    out.append(pattern[last:])
    return "".join(out)
