"""Twig's `matches`: a PHP (PCRE) pattern run by the `regex` module with size and time caps."""

from __future__ import annotations

from typing import Any

import regex

from webapp.rules.twig.values import MAX_TEXT, TwigValueError, is_array, to_text

MAX_PATTERN = 500
# One match may take this long; a pathological pattern like (a+)+$ is stopped, not waited for.
MATCH_SECONDS = 0.25
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_FLAGS = {"i": regex.IGNORECASE, "m": regex.MULTILINE, "s": regex.DOTALL, "x": regex.VERBOSE}


def _split(pattern: str) -> tuple[str, str]:
    """PHP's /body/flags: the body between the delimiters and the flag letters after."""
    text = pattern.lstrip(" \t\n\r\x0b\f")
    if not text:
        raise TwigValueError("the pattern for matches is empty (write it like '/^ab/i')")
    start = text[0]
    if start.isalnum() or start == "\\":
        raise TwigValueError("the pattern for matches needs delimiters, like '/^ab/i'")
    end, depth, index = _PAIRS.get(start, start), 0, 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == end and depth == 0:
            return text[1:index], text[index + 1 :]
        if end != start:
            depth += (char == start) - (char == end)
        index += 1
    raise TwigValueError(f"the pattern for matches has no ending delimiter '{end}'")


def _compile(pattern: str) -> tuple[Any, bool, bool]:
    body, letters = _split(pattern)
    flags, unicode, anchored = 0, False, False
    for letter in letters.rstrip("\n"):
        if letter in _FLAGS:
            flags |= _FLAGS[letter]
        elif letter == "u":
            unicode = True
        elif letter == "A":
            anchored = True
        elif letter != "S":
            raise TwigValueError(f"the pattern flag '{letter}' is not supported by matches")
    try:
        if unicode:
            return regex.compile(body, flags | regex.UNICODE), True, anchored
        return regex.compile(body.encode(), flags), False, anchored
    except (regex.error, ValueError) as error:
        raise TwigValueError(f"the pattern for matches is not valid ({error})") from None


def _text(value: object, what: str) -> str:
    if is_array(value) or value is None and what == "pattern":
        raise TwigValueError(f"matches needs text as its {what}")
    return "" if value is None else to_text(value)


def matches(run: Any, pattern: object, subject: object) -> int:
    """1 when the subject matches, 0 when not; refused when too big or too slow."""
    pattern_text, subject_text = _text(pattern, "pattern"), _text(subject, "subject")
    if len(pattern_text) > MAX_PATTERN:
        raise TwigValueError(f"the pattern for matches is longer than {MAX_PATTERN} characters")
    if len(subject_text) > MAX_TEXT:
        raise TwigValueError(f"matches works on text up to {MAX_TEXT:,} characters")
    compiled, unicode, anchored = _compile(pattern_text)
    target = subject_text if unicode else subject_text.encode()
    left = run.seconds_left()
    timeout = MATCH_SECONDS if left is None else min(MATCH_SECONDS, left)
    try:
        found = (compiled.match if anchored else compiled.search)(target, timeout=timeout)
    except TimeoutError:
        raise TwigValueError(
            "the pattern for matches took too long on this text (simplify it)"
        ) from None
    return 1 if found else 0
