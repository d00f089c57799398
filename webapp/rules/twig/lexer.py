"""Twig's lexer: text, tags, whitespace control and expression tokens, with positions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from webapp.rules.twig.values import TwigValueError

TEXT, VAR_START, VAR_END, BLOCK_START, BLOCK_END = "text", "{{", "}}", "{%", "%}"
NAME, NUMBER, STRING, OPERATOR, PUNCT, ARROW, EOF = (
    "name",
    "number",
    "string",
    "op",
    "punct",
    "=>",
    "end",
)
INTERP_START, INTERP_END = "#{", "}#"

# PCRE's \s without the u flag: PHP matches Twig's syntax byte by byte.
_S = r"[ \t\n\x0b\f\r]"
_OPERATORS = (
    "=", "not", "-", "+", "or", "and", "b-or", "b-xor", "b-and", "==", "!=", "<=>", "<", ">",
    ">=", "<=", "not in", "in", "matches", "starts with", "ends with", "has some", "has every",
    "..", "~", "*", "/", "//", "%", "is", "is not", "**", "??",
)  # fmt: skip


def _operator_pattern() -> re.Pattern[str]:
    """Twig's operator regex: longest first; word operators stand alone."""
    parts = []
    for operator in sorted(_OPERATORS, key=len, reverse=True):
        part = re.escape(operator).replace(r"\ ", _S + "+")
        if operator[-1].isalpha():
            part += r"(?=[ \t\n\x0b\f\r()\[{])"
        if operator[0].isalpha():
            part = r"(?<![.|])" + part
        parts.append(part)
    return re.compile("|".join(parts))


_OPERATOR = _operator_pattern()
_NAME = re.compile(r"[a-zA-Z_\x7f-\U0010ffff][a-zA-Z0-9_\x7f-\U0010ffff]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[Ee][+-][0-9]+)?")
_STRING = re.compile(r""""([^#"\\]*(?:\\.[^#"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'""", re.S)
_DQ_PART = re.compile(r'[^#"\\]*(?:(?:\\.|#(?!\{))[^#"\\]*)*', re.S)
_SPACE = re.compile(_S + "+")
_STARTS = re.compile(r"({{|{%|{#)(-|~)?")
_VAR_END = re.compile(_S + r"*(?:-}}" + _S + r"*|~}}[ \t\0\x0b]*|}})")
_BLOCK_END = re.compile(_S + r"*(?:-%}" + _S + r"*\n?|~%}[ \t\0\x0b]*|%}\n?)")
_COMMENT_END = re.compile(r"(?:-#}" + _S + r"*\n?|~#}[ \t\0\x0b]*|#}\n?)", re.S)
_RAW_START = re.compile(_S + r"*verbatim" + _S + r"*(?:-%}" + _S + r"*|~%}[ \t\0\x0b]*|%})")
_RAW_END = re.compile(
    r"{%(-|~)?" + _S + r"*endverbatim" + _S + r"*(?:-%}" + _S + r"*|~%}[ \t\0\x0b]*|%})", re.S
)
_INTERP_START = re.compile(r"#{" + _S + "*")
_INTERP_END = re.compile(_S + r"*}")
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "f": "\f", "a": "\a", "b": "\b"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    value: object
    pos: int


def _unescape(match: re.Match[str]) -> str:
    """One escape as PHP's stripcslashes reads it."""
    code = match.group(1)
    if code[0] == "x" and len(code) > 1:
        return chr(int(code[1:], 16))
    if code[0] in "01234567":
        return chr(int(code, 8) & 0xFF)
    return _ESCAPES.get(code, code)


def stripcslashes(text: str) -> str:
    return _ESCAPE.sub(_unescape, text)


class Lexer:
    """Split a template into tokens as Twig's lexer does; errors carry the source offset."""

    def __init__(self, source: str) -> None:
        self.code = source.replace("\r\n", "\n").replace("\r", "\n")
        self.cursor = 0
        self.tokens: list[Token] = []
        self.brackets: list[tuple[str, int]] = []
        self.states: list[str] = []

    def tokenize(self) -> list[Token]:
        """Every token, ending with EOF."""
        code = self.code
        while self.cursor < len(code):
            state = self.states[-1] if self.states else TEXT
            if state == TEXT:
                self._data()
            elif state == STRING:
                self._string()
            elif state == INTERP_START and self._close(_INTERP_END, INTERP_END, "#{"):
                self.states.pop()
            elif state in (VAR_START, BLOCK_START):
                end = _VAR_END if state == VAR_START else _BLOCK_END
                if not self._close(end, VAR_END if state == VAR_START else BLOCK_END, None):
                    self._expression(state)
                else:
                    self.states.pop()
            else:
                self._expression(state)
        if self.brackets:
            bracket, pos = self.brackets[-1]
            raise TwigValueError(f"'{bracket}' is never closed", pos)
        if self.states:
            raise TwigValueError("the template ends inside a tag (close it with }} or %})", None)
        self.tokens.append(Token(EOF, None, len(code)))
        return self.tokens

    def _close(self, pattern: re.Pattern[str], kind: str, bracket: str | None) -> bool:
        """End a tag or an interpolation when its closing mark comes with no bracket open."""
        if self.brackets and (bracket is None or self.brackets[-1][0] != bracket):
            return False
        match = pattern.match(self.code, self.cursor)
        if not match:
            return False
        if bracket:
            self.brackets.pop()
        self.tokens.append(Token(kind, None, self.cursor))
        self.cursor = match.end()
        return True

    def _data(self) -> None:
        """Text up to the next tag, trimmed as its `-` or `~` asks, then the tag's start."""
        match = _STARTS.search(self.code, self.cursor)
        if match is None:
            self._text(self.code[self.cursor :])
            self.cursor = len(self.code)
            return
        text = self.code[self.cursor : match.start()]
        if match.group(2) == "-":
            text = text.rstrip(" \t\n\r\0\x0b")
        elif match.group(2) == "~":
            text = text.rstrip(" \t\0\x0b")
        self._text(text)
        self.cursor = match.end()
        if match.group(1) == "{#":
            end = _COMMENT_END.search(self.code, self.cursor)
            if end is None:
                raise TwigValueError("a comment {# is never closed with #}", match.start())
            self.cursor = end.end()
        elif match.group(1) == "{%" and (raw := _RAW_START.match(self.code, self.cursor)):
            self._verbatim(raw.end(), match.start())
        else:
            kind = VAR_START if match.group(1) == "{{" else BLOCK_START
            self.tokens.append(Token(kind, None, match.start()))
            self.states.append(kind)

    def _text(self, text: str) -> None:
        if text:
            self.tokens.append(Token(TEXT, text, self.cursor))

    def _verbatim(self, start: int, pos: int) -> None:
        end = _RAW_END.search(self.code, start)
        if end is None:
            raise TwigValueError("{% verbatim %} is never closed with {% endverbatim %}", pos)
        text = self.code[start : end.start()]
        if end.group(1) == "-":
            text = text.rstrip(" \t\n\r\0\x0b")
        elif end.group(1) == "~":
            text = text.rstrip(" \t\0\x0b")
        self.cursor = start
        self._text(text)
        self.cursor = end.end()

    def _expression(self, state: str) -> None:
        """One token inside {{ }}, {% %} or #{ }."""
        code = self.code
        space = _SPACE.match(code, self.cursor)
        if space:
            self.cursor = space.end()
            if self.cursor >= len(code):
                raise TwigValueError("the template ends inside a tag (close it with }} or %})")
            return
        pos = self.cursor
        if code.startswith("=>", pos):
            self._push(ARROW, "=>", 2)
        elif match := _OPERATOR.match(code, pos):
            self._push(OPERATOR, re.sub(_S + "+", " ", match.group(0)), len(match.group(0)))
        elif match := _NAME.match(code, pos):
            self._push(NAME, match.group(0), len(match.group(0)))
        elif match := _NUMBER.match(code, pos):
            self._push(NUMBER, _number(match.group(0)), len(match.group(0)))
        elif code[pos] in "()[]{}?:.,|":
            self._punctuation(code[pos])
        elif match := _STRING.match(code, pos):
            self._push(STRING, stripcslashes(match.group(0)[1:-1]), len(match.group(0)))
        elif code[pos] == '"':
            self.brackets.append(('"', pos))
            self.states.append(STRING)
            self.cursor += 1
        else:
            raise TwigValueError(f"unexpected character '{code[pos]}'", pos)

    def _push(self, kind: str, value: object, length: int) -> None:
        self.tokens.append(Token(kind, value, self.cursor))
        self.cursor += length

    def _punctuation(self, char: str) -> None:
        if char in "([{":
            self.brackets.append((char, self.cursor))
        elif char in ")]}":
            if not self.brackets:
                raise TwigValueError(f"unexpected '{char}'", self.cursor)
            bracket, pos = self.brackets.pop()
            if {"(": ")", "[": "]", "{": "}"}.get(bracket) != char:
                raise TwigValueError(f"'{bracket}' is never closed", pos)
        self._push(PUNCT, char, 1)

    def _string(self) -> None:
        """Inside a double-quoted string: text parts and #{...} interpolations."""
        code, pos = self.code, self.cursor
        if match := _INTERP_START.match(code, pos):
            self.brackets.append(("#{", pos))
            self._push(INTERP_START, None, len(match.group(0)))
            self.states.append(INTERP_START)
        elif (match := _DQ_PART.match(code, pos)) and match.group(0):
            self._push(STRING, stripcslashes(match.group(0)), len(match.group(0)))
        elif code[pos] == '"':
            self.brackets.pop()
            self.states.pop()
            self.cursor += 1
        else:
            raise TwigValueError(f"unexpected character '{code[pos]}'", pos)


def _number(text: str) -> int | float:
    """A number literal: an int when it is digits that fit, else a float."""
    if text.isdigit() and int(text) <= 2**63 - 1:
        return int(text)
    return float(text)


def tokenize(source: str) -> list[Token]:
    return Lexer(source).tokenize()
