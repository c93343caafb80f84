"""JSON from outside (API request bodies, `qa batch` lines) that is safe to hand on.

Python's json module accepts what the rest of the service cannot: a lone surrogate ("\\ud800",
valid JSON escape, invalid Unicode: the tokenizers fail on it) and nesting thousands of levels
deep (RecursionError). Both become a German message here, before anything else sees the value.
It sits below the two that read such JSON, the API (qa.app) and `qa batch` (qa.eval); not here:
what the values mean (qa.app.api_requests, qa.eval.batch).
"""
from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # nesting of a request body: ours need 5
_SURROGATE = ("{what} enthält ungültige Unicode-Zeichen (einzelne Surrogate wie \\ud800). Bitte den Text "
              "als gültiges UTF-8 senden.")


class JSONProblem(ValueError):
    """JSON that parses but cannot be used; its message is German."""


def parse_json(raw: bytes | str, what: str = "Die Anfrage") -> Any:
    """A JSON value from a request body or a batch line. json.JSONDecodeError (or
    UnicodeDecodeError) when it is no JSON; JSONProblem (German) when it is nested deeper than
    MAX_DEPTH or holds a lone surrogate ("\\ud800")."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise JSONProblem(_too_deep(what)) from None
    problem = json_problem(value, what)
    if problem:
        raise JSONProblem(problem)
    return value


def json_problem(value: Any, what: str = "Die Anfrage") -> str | None:
    """German: why a parsed JSON value cannot be used (too deep, lone surrogates), else None."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _too_deep(what)
        if isinstance(item, str):
            if not _encodable(item):
                return _SURROGATE.format(what=what)
        elif isinstance(item, dict):
            for key, member in item.items():
                if not _encodable(key):
                    return _SURROGATE.format(what=what)
                stack.append((member, depth + 1))
        elif isinstance(item, list):
            stack.extend((member, depth + 1) for member in item)
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _too_deep(what: str = "Die Anfrage") -> str:
    return f"{what} ist zu tief verschachtelt (höchstens {MAX_DEPTH} Ebenen)."
