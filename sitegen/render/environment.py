"""A jinja2 environment tuned for rendering tens of thousands of pages.

Two things make a page cheap without changing how templates read:

- UI messages with constant text, ``_("Orders")``, are translated once when a template is
  compiled (:class:`ConstantMessages`), so the compiled template holds the escaped text and
  pays nothing per page; messages with placeholders or variable text are translated per call.
- Contexts are plain dicts, so ``row.name`` looks up the key first (:class:`PageEnvironment`)
  instead of trying an attribute and catching the error for every lookup.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import jinja2
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream


class ConstantMessages(Extension):
    """Replaces ``_("text")`` (one constant string, nothing else) by its translation at compile time.

    The environment's ``translate_constant`` does the translating (and records missing messages).
    """

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        translate: Callable[[str], str] = self.environment.translate_constant  # type: ignore[attr-defined]
        pending: list[Token] = []
        for token in stream:
            pending.append(token)
            shape = [t.type for t in pending]
            if shape == ["name", "lparen", "string", "rparen"][:len(shape)] and pending[0].value == "_":
                if len(pending) == 4:
                    yield Token(pending[0].lineno, "string", translate(pending[2].value))
                    pending = []
                continue
            if len(pending) > 1 and token.type == "name" and token.value == "_":
                yield from pending[:-1]
                pending = [token]
                continue
            yield from pending
            pending = []
        yield from pending


class PageEnvironment(jinja2.Environment):
    """``obj.attr`` on a dict looks up the key first: page contexts and rows are dicts."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)
