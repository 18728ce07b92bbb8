"""The model's Java regular expressions, carried over to JSON Schema and back to Python.

botocore's ``pattern`` trait holds the regex AWS's Java service checks with ``Matcher.matches()``:
the whole value must match, ``\\w``, ``\\d`` and ``\\s`` are ASCII, and ``.`` stops at any line
terminator. JSON Schema's ``pattern`` is an ECMA-262 regex (Unicode mode, as validators run it)
that *searches*. So each pattern is translated, not copied:

* anchored as ``^(?:...)$`` (``matches()`` is a full match);
* ``\\w \\d \\s`` (and negations) spelled out as the ASCII classes Java means;
* ``.`` spelled out as "anything but a Java line terminator" (``[\\s\\S]`` under ``(?s)``);
* escapes Unicode mode rejects (``\\:``) written as the plain character, and every literal ``-``
  in a class escaped (``[0-9-_]`` is a syntax error in Unicode mode);
* ``\\p{L}`` and friends, look-behind and ``\\b`` kept: ECMA-262 has them.

Java constructs JSON Schema cannot express (possessive quantifiers, atomic groups, class
intersections, inline flags other than a leading ``(?s)``, ``\\Q...\\E``, back references) raise
:class:`Untranslatable`; the generator lists those patterns in the manifest instead of dropping
them silently.

Python's ``re`` knows neither ``\\p{..}`` nor a strict ``$``, so validation compiles the schema's
pattern with the ``regex`` package after :func:`ecma_to_python`, and Hypothesis, which parses
patterns with ``re``, gets the subset spelling of :func:`ecma_to_generation`.
"""

from __future__ import annotations

import functools

import regex

_JAVA_ASCII_CLASSES = {
    "w": "A-Za-z0-9_",
    "d": "0-9",
    # Java's \s is [ \t\n\x0B\f\r] (java.util.regex.Pattern, no UNICODE_CHARACTER_CLASS).
    "s": " \\t\\n\\x0B\\f\\r",
}
# Java's "." without DOTALL excludes these line terminators (java.util.regex.Pattern docs).
_JAVA_DOT = "[^\\n\\r\\u0085\\u2028\\u2029]"
_ANY = "[\\s\\S]"
_ECMA_SYNTAX = set("^$\\.*+?()[]{}|/")
_KEEP_ESCAPES = set("tnrfv0")


class Untranslatable(ValueError):
    """A Java pattern that an ECMA-262 regex cannot express; the message says why."""


@functools.cache
def java_to_ecma(pattern: str) -> str:
    """Translate a botocore (Java) ``pattern`` to an anchored ECMA-262 regex with the same matches.

    Args:
        pattern: the model's pattern text, e.g. ``[\\w-]+_[0-9a-zA-Z]+``.

    Returns:
        The JSON Schema ``pattern`` value, e.g. ``^(?:[A-Za-z0-9_\\-]+_[0-9a-zA-Z]+)$``.

    Raises:
        Untranslatable: the pattern uses a Java-only construct.
    """
    text = pattern
    dotall = False
    if text.startswith("(?s)"):
        dotall = True
        text = text[4:]
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            piece, i = _escape(text, i, in_class=False)
            out.append(piece)
            continue
        if c == "[":
            piece, i = _char_class(text, i)
            out.append(piece)
            continue
        if c == "(":
            if text.startswith("(?", i):
                rest = text[i + 2 : i + 4]
                if rest[:1] in (":", "=", "!") or rest in ("<=", "<!"):
                    out.append("(")
                    i += 1
                    continue
                if rest[:1] == "<" and rest[1:2].isalpha():
                    out.append("(")
                    i += 1
                    continue
                raise Untranslatable(f"inline flag or atomic group at offset {i}: {text[i : i + 5]!r}")
            out.append("(")
            i += 1
            continue
        if c in "*+?":
            out.append(c)
            i += 1
            if i < n and text[i] == "+":
                raise Untranslatable(f"possessive quantifier {c}+ at offset {i - 1}")
            continue
        if c == "}":
            out.append(c)
            i += 1
            if i < n and text[i] == "+":
                raise Untranslatable(f"possessive quantifier }}+ at offset {i - 1}")
            continue
        if c == ".":
            out.append(_ANY if dotall else _JAVA_DOT)
            i += 1
            continue
        out.append(c)
        i += 1
    return "^(?:" + "".join(out) + ")$"


def _escape(text: str, i: int, *, in_class: bool) -> tuple[str, int]:
    """One escape sequence starting at ``text[i] == '\\\\'``; returns (ECMA text, next index)."""
    if i + 1 >= len(text):
        raise Untranslatable("pattern ends in a lone backslash")
    c = text[i + 1]
    if c in "pP":
        if text[i + 2 : i + 3] != "{":
            raise Untranslatable(f"one-letter property \\{c}{text[i + 2 : i + 3]}")
        end = text.index("}", i)
        name = text[i + 3 : end]
        if name.startswith(("java", "Is", "In")) or len(name) > 2:
            raise Untranslatable(f"Java-only property class \\{c}{{{name}}}")
        return text[i : end + 1], end + 1
    if c in _JAVA_ASCII_CLASSES:
        body = _JAVA_ASCII_CLASSES[c]
        return (body if in_class else f"[{body}]"), i + 2
    if c in ("W", "D", "S"):
        if in_class:
            raise Untranslatable(f"negated class \\{c} inside a character class")
        return f"[^{_JAVA_ASCII_CLASSES[c.lower()]}]", i + 2
    if c == "x":
        return text[i : i + 4], i + 4
    if c == "u":
        return text[i : i + 6], i + 6
    if c in _KEEP_ESCAPES or (c == "b" and not in_class) or c == "B":
        return "\\" + c, i + 2
    if c == "A" and not in_class:
        return "^", i + 2
    if c == "z" and not in_class:
        return "$", i + 2
    if c.isalnum():
        raise Untranslatable(f"Java-only escape \\{c}")
    if c in _ECMA_SYNTAX or (in_class and c == "-"):
        return "\\" + c, i + 2
    # Unicode-mode ECMA-262 rejects identity escapes of other characters (e.g. "\:").
    return c, i + 2


def _char_class(text: str, i: int) -> tuple[str, int]:
    """A ``[...]`` class starting at ``text[i]``; returns (ECMA text, index after ``]``)."""
    j = i + 1
    negated = False
    if j < len(text) and text[j] == "^":
        negated = True
        j += 1
    atoms: list[str] = []
    first = True
    while True:
        if j >= len(text):
            raise Untranslatable("unterminated character class")
        c = text[j]
        if c == "]" and not first:
            j += 1
            break
        first = False
        if c == "[":
            raise Untranslatable("nested character class (Java union)")
        if text.startswith("&&", j):
            raise Untranslatable("character class intersection (&&)")
        if c == "\\":
            if text[j + 1 : j + 2] in ("W", "D", "S") and not atoms and text[j + 2 : j + 3] == "]":
                # "[\S]" alone is the negated class itself.
                body = _JAVA_ASCII_CLASSES[text[j + 1].lower()]
                return (f"[{body}]" if negated else f"[^{body}]"), j + 3
            piece, j = _escape(text, j, in_class=True)
            atoms.append(piece)
            continue
        if c == "-":
            # A range needs a single-character atom before and after it; otherwise "-" is literal.
            prev_single = bool(atoms) and _single(atoms[-1]) and not atoms[-1].startswith("\x00")
            nxt = text[j + 1 : j + 2]
            if prev_single and nxt not in ("]", ""):
                if nxt == "\\":
                    piece, k = _escape(text, j + 1, in_class=True)
                else:
                    piece, k = nxt, j + 2
                if _single(piece):
                    atoms[-1] = "\x00" + atoms[-1] + "-" + piece
                    j = k
                    continue
            atoms.append("\\-")
            j += 1
            continue
        if c == "^":
            atoms.append("\\^")
            j += 1
            continue
        atoms.append(c)
        j += 1
    body = "".join(a.lstrip("\x00") for a in atoms)
    return ("[^" if negated else "[") + body + "]", j


def _single(atom: str) -> bool:
    """Whether an emitted class atom is one character (so it may bound a range)."""
    if atom.startswith("\x00"):
        return False
    if len(atom) == 1:
        return True
    return atom.startswith("\\") and (len(atom) == 2 or atom[1] in "xu") and atom[1:2] not in ("p", "P")


def _walk(pattern: str):
    """Yield (token, in_class) over an ECMA pattern, escapes kept whole."""
    i = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if pattern[i + 1 : i + 2] in ("p", "P") and pattern[i + 2 : i + 3] == "{":
                end = pattern.index("}", i)
                yield pattern[i : end + 1], in_class
                i = end + 1
                continue
            yield pattern[i : i + 2], in_class
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            yield c, False
            i += 1
            continue
        if c == "]" and in_class:
            in_class = False
            yield c, False
            i += 1
            continue
        yield c, in_class
        i += 1


_ASCII_WORD = "[A-Za-z0-9_]"
_ASCII_BOUNDARY = f"(?:(?<={_ASCII_WORD})(?!{_ASCII_WORD})|(?<!{_ASCII_WORD})(?={_ASCII_WORD}))"


def ecma_to_python(pattern: str) -> str:
    """The ``regex``-module spelling of an ECMA pattern with ECMA's meaning.

    ``$`` becomes ``\\Z`` (Python's ``$`` also matches before a final newline) and ``\\b`` the
    ASCII word boundary ECMA-262 means (``regex.ASCII`` would also turn off ``\\p{L}``).
    """
    out = []
    for token, in_class in _walk(pattern):
        if token == "$" and not in_class:
            out.append("\\Z")
        elif token == "\\b" and not in_class:
            out.append(_ASCII_BOUNDARY)
        else:
            out.append(token)
    return "".join(out)


@functools.cache
def compile_ecma(pattern: str) -> regex.Pattern[str]:
    """Compile a schema ``pattern`` once per process."""
    return regex.compile(ecma_to_python(pattern))


# Subsets of each Unicode general category, spelled for Python's ``re`` (which Hypothesis parses).
# Generation only needs strings the real pattern accepts, so a subset is enough; the strategies
# filter every value through the real pattern as well.
_GENERATION_SUBSETS = {
    "L": "A-Za-z\\u00c0-\\u00d6\\u00e9\\u4e2d",
    "M": "\\u0301",
    "S": "$+<=>^`|~\\u00a9",
    "N": "0-9\\u00bd",
    "P": "!-#%-*,-/:;?@\\[-\\]_{}\\u00a1",
    "Z": " ",
}


def ecma_to_generation(pattern: str) -> str:
    """A Python ``re`` pattern matching a subset of what ``pattern`` matches (for Hypothesis)."""
    out = []
    for token, in_class in _walk(pattern):
        if token.startswith(("\\p{", "\\P{")):
            name = token[3:-1]
            subset = _GENERATION_SUBSETS.get(name[:1], "a-z")
            if token[1] == "P":
                out.append("" if in_class else "[^\\s]")
            else:
                out.append(subset if in_class else f"[{subset}]")
        elif token == "$" and not in_class:
            out.append("\\Z")
        elif token == "\\x0B":
            out.append("\\x0b")
        else:
            out.append(token)
    return "".join(out)
