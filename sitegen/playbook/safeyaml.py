"""Bounded YAML for front matter, and bounded quoting of values into messages.

A few lines of YAML can describe a huge value through anchors and aliases (``&a [x, x]``,
``&b [*a, *a]``, …: the "billion laughs"), nest deep enough to overflow Python's stack, or hold
numbers too long to print. So before anything is built, one pass over the parser's events (no
objects, no recursion) checks the size, the nesting and the size *after* alias expansion; and
every value quoted into a message goes through :func:`quote`, which never prints more than
:data:`QUOTE_CHARS` characters, whatever the value.
"""

from __future__ import annotations

import reprlib
from typing import Any

import yaml

MAX_BYTES = 64 * 1024       # front matter is a few fields; a page's text belongs in its body
MAX_EXPANDED = 64 * 1024    # characters + values once aliases are expanded
MAX_DEPTH = 20              # nested lists/mappings (pages need 2)
QUOTE_CHARS = 60            # the longest value quoted into a message
_NO_ALIASES = "write the values out in full; front matter needs no anchors (&name) or aliases (*name)"


class Unsafe(Exception):
    """Front matter refused before it was built: ``line`` (in the file), ``message``, ``hint``."""

    def __init__(self, line: int, message: str, hint: str):
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def load(front: str) -> tuple[yaml.Node | None, Any]:
    """``(node, data)`` of the YAML between the ``---`` lines (the file's line 2 on).

    Raises :class:`Unsafe` for input outside the bounds, ``yaml.YAMLError`` for invalid YAML and
    ``ValueError`` for values YAML accepts but Python cannot build (``2026-13-01``, a 5000-digit number).
    """
    size = len(front.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise Unsafe(1, f"front matter is too large: {size:,} bytes (the limit is {MAX_BYTES // 1024} KiB)",
                     "keep the front matter to the page's fields and put the text in the body")
    _measure(front)
    loader = yaml.SafeLoader(front)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    except (OverflowError, RecursionError) as exc:  # bounded above; kept so no input can crash a build
        raise ValueError(str(exc)) from None
    finally:
        loader.dispose()


def _measure(front: str) -> None:
    """One pass over the events: nesting depth and expanded size in bounds, anchors unique and not recursive."""
    stack: list[list[Any]] = []         # per open collection: [expanded size, anchor]
    sizes: dict[str, int] = {}          # anchor -> expanded size of its value
    total = 0
    for event in yaml.parse(front, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 2 if event.start_mark is not None else 1
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, yaml.AliasEvent):
            if anchor in sizes:
                raise Unsafe(line, f"anchor &{anchor[:QUOTE_CHARS]} is defined twice", _NO_ALIASES)
            sizes[anchor] = 0  # defined from here on (PyYAML's rule); its size is known at its end
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise Unsafe(line, f"front matter is nested more than {MAX_DEPTH} levels deep",
                             "use plain fields, lists of texts at most")
            stack.append([1, event.anchor])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            size, anchor = 1 + len(event.value), event.anchor
        elif isinstance(event, yaml.AliasEvent):
            if any(a == event.anchor for _, a in stack):
                raise Unsafe(line, f"alias *{event.anchor[:QUOTE_CHARS]} is inside the value it names",
                             _NO_ALIASES)
            size, anchor = sizes.get(event.anchor, 1), None  # an undefined alias is the composer's error
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if stack:
            stack[-1][0] += size
            size = stack[-1][0]
        else:
            total += size
            size = total
        if size > MAX_EXPANDED:
            raise Unsafe(line, f"front matter is too large once its YAML aliases are expanded: more than "
                         f"{MAX_EXPANDED // 1024} KiB", _NO_ALIASES)


class _ShortRepr(reprlib.Repr):
    """reprlib with small limits, and long integers described instead of printed."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxdict, self.maxlist, self.maxtuple, self.maxset = 2, 4, 4, 4, 4
        self.maxfrozenset, self.maxstring, self.maxother, self.maxlong = 4, QUOTE_CHARS, 30, 30

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 96:  # about 29 digits; huge ones cannot even be printed (int_max_str_digits)
            return f"<a whole number of {int(x.bit_length() * 0.30103) + 1} digits>"
        return repr(x)


_SHORT = _ShortRepr()


def quote(value: Any) -> str:
    """``repr(value)`` cut to :data:`QUOTE_CHARS` characters (ending in ``…``), in time bounded by the limit."""
    if isinstance(value, str):
        text = repr(value[:QUOTE_CHARS])
        if len(value) > QUOTE_CHARS or len(text) > QUOTE_CHARS:
            text = repr(value[:QUOTE_CHARS])[:QUOTE_CHARS - 2] + "…" + text[0]
        return text
    text = _SHORT.repr(value)
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"


__all__ = ["MAX_BYTES", "MAX_EXPANDED", "MAX_DEPTH", "QUOTE_CHARS", "Unsafe", "load", "quote"]
