"""JSON as pages embed it (schema.org JSON-LD, entity cards): keys sorted, no spaces, no null
members, and the objects every page repeats (an entity's card or Thing) formatted once."""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C string encoder when there is one
from typing import Any


class JsonObject(dict[str, Any]):
    """A JSON object shown the same on many pages (an entity's card, its schema.org Thing):
    `json_text` formats it once. Made whole and never changed afterwards (the text is kept)."""

    __slots__ = ("_text",)

    def text(self) -> str:
        """`json_text` of this object, formatted on first use."""
        try:
            return self._text
        except AttributeError:
            self._text: str = _dumps(drop_none(self))
            return self._text


def drop_none(value: Any) -> Any:
    """The value without null members (absent facts are left out, not written as null) nor empty
    lists, at any depth."""
    if isinstance(value, dict):  # (leaves are kept as they are without a call each: pages hold ~100)
        return {k: drop_none(v) if isinstance(v, _NESTED) else v
                for k, v in value.items() if v is not None and v != []}
    if isinstance(value, (list, tuple)):
        return [drop_none(v) if isinstance(v, _NESTED) else v for v in value]
    return value


_NESTED = (dict, list, tuple)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_text(value: Any) -> str:
    """`json.dumps(drop_none(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))`,
    with each JsonObject inside written from its kept text."""
    if isinstance(value, JsonObject):
        return value.text()
    if isinstance(value, dict):
        if not any(isinstance(v, _NESTED) for v in value.values()) or not all(type(k) is str for k in value):
            return _dumps(drop_none(value))
        # (keys differ: the sort never compares values)
        kept = sorted((k, v) for k, v in value.items() if v is not None and v != [])
        return "{" + ",".join(f"{encode_basestring(k)}:{json_text(v)}" for k, v in kept) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(json_text(v) for v in value) + "]"
    return encode_basestring(value) if type(value) is str else _dumps(value)
