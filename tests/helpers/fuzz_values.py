"""Hostile values and mutations for the fuzz tests: JSON values TikTok should never send, and
mutations of real inputs (JSON value swaps along a random path; byte flips, truncations,
insertions). Strategies are built once at import (see the note above ``_INDEX``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")


# -- hostile JSON ----------------------------------------------------------------------------


class Raw:
    """JSON text that ``json.dumps`` cannot make (deep nesting, numbers beyond int's text limit).

    ``text`` goes verbatim into the serialized JSON; ``value`` (built on demand, so hypothesis
    never has to print a 100,000-deep list) is what an in-memory parser gets.
    """

    def __init__(self, label: str, text: str, make: Callable[[], Any] = lambda: None) -> None:
        self.label, self.text, self._make = label, text, make

    @property
    def value(self) -> Any:
        return self._make()

    def __repr__(self) -> str:
        return f"Raw({self.label})"


def nested_list(depth: int) -> Any:
    """``[[[...]]]`` ``depth`` levels deep, built without recursion."""
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def nested_dict(depth: int) -> Any:
    """``{"a": {"a": ... null}}`` ``depth`` levels deep, built without recursion."""
    value: Any = None
    for _ in range(depth):
        value = {"a": value}
    return value


def deep(depth: int, opener: str = "[") -> Raw:
    """Arrays (``[``) or objects (``{``) nested ``depth`` levels deep."""
    if opener == "[":
        return Raw(f"{depth} nested arrays", "[" * depth + "]" * depth, lambda: nested_list(depth))
    return Raw(f"{depth} nested objects", '{"a":' * depth + "null" + "}" * depth, lambda: nested_dict(depth))


ODD_STRINGS = [
    "", " ", "0", "-1", "--1", "-", "+5", "1.5", "1e5", "2", "4", "7451132632405510917",
    "18446744073709551616", "NaN", "Infinity", "null", "true", "{}", "[]", "\u0663\u0664",
    "\u00b2", "\u00b9\u00b2", "1" * 5000, "-" + "9" * 5000, "\ud800", "\x00", "<script>",
    "</script>", "https://web.example.test/login", "user_not_found", "gzip", "msToken",
]
ODD_NUMBERS = [0, 1, -1, 2, 4, 19881007, 4003110, 2**31, 2**53 + 1, 2**63, -(2**63), 2**64, 10**30,
               0.5, -0.0, 1e308, float("inf"), float("-inf"), float("nan")]
RAW_VALUES = [
    deep(50), deep(990), deep(1000), deep(3000), deep(20_000), deep(2000, "{"),
    Raw("5000 digits", "1" * 5000, lambda: float("inf")),
    Raw("-5000 digits", "-" + "1" * 5000, lambda: float("-inf")),
    Raw("1e999", "1e999", lambda: float("inf")),
    Raw("-1e999", "-1e999", lambda: float("-inf")),
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(ODD_NUMBERS + ODD_STRINGS),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
)
#: keys the parsers look for, so an added key reaches their branches
KEYS = ["data", "status_code", "statusCode", "message", "prompts", "gifts", "user", "roomId", "status",
        "liveRoom", "LiveRoom", "liveRoomUserInfo", "uniqueId", "alive", "room_id", "room_id_str", "id",
        "id_str", "owner", "stream_url", "response", "signedUrl", "userAgent", "code", "__DEFAULT_SCOPE__",
        "webapp.user-detail", "userInfo", "limit_label"]
_NEW_KEYS = st.sampled_from(KEYS) | st.text(max_size=6)
_UP_TO_3 = st.integers(min_value=0, max_value=3)


# Small containers drawn item by item: cheaper for hypothesis than st.lists / st.dictionaries,
# which spend time on unique keys and discard many attempts as invalid.
@st.composite
def _small_list(draw: st.DrawFn, items: st.SearchStrategy[Any]) -> list[Any]:
    return [draw(items) for _ in range(draw(_UP_TO_3))]


@st.composite
def _small_dict(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> dict[str, Any]:
    return {draw(_NEW_KEYS): draw(values) for _ in range(draw(_UP_TO_3))}


#: one JSON value to put somewhere: mostly scalars, some small containers, sometimes a Raw
hostile = st.one_of(
    scalars,
    scalars,
    _small_list(scalars),
    _small_dict(scalars),
    st.sampled_from(RAW_VALUES),
)
#: a whole JSON document of any shape (up to three levels; the mutated real inputs go deeper)
arbitrary_json = st.one_of(hostile, _small_list(hostile), _small_dict(hostile))


def materialize(value: Any) -> Any:
    """Replace every Raw by its in-memory value (what ``json.loads`` would have made, or close)."""
    if isinstance(value, Raw):
        return value.value
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [materialize(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """Serialize to (ASCII) JSON text, writing each Raw's text verbatim (NaN/Infinity as Python does)."""
    raws: list[str] = []

    def default(obj: Any) -> str:
        if isinstance(obj, Raw):
            raws.append(obj.text)
            return f"\x00raw{len(raws) - 1}\x00"
        raise TypeError(type(obj).__name__)

    text = json.dumps(value, default=default)
    for index, raw in enumerate(raws):
        text = text.replace(f'"\\u0000raw{index}\\u0000"', raw, 1)
    return text


def json_bytes(value: Any) -> bytes:
    """:func:`dumps` as the UTF-8 bytes of an HTTP body."""
    return dumps(value).encode("ascii")


def _children(node: Any) -> list[Any]:
    return list(node) if isinstance(node, dict) else list(range(len(node)))


# Strategies are built once: creating a fresh strategy per draw (st.sampled_from(keys)) costs
# hypothesis a validation each time, which dominated the run time. Indexes are drawn from one
# fixed range and reduced modulo the size at hand.
_INDEX = st.integers(min_value=0, max_value=2**20)
_DESCEND = st.integers(min_value=0, max_value=3)
_COUNT = {n: st.integers(min_value=1, max_value=n) for n in range(1, 9)}
_DICT_OPS = st.sampled_from(["replace", "drop", "add", "empty", "to_list"])
_LIST_OPS = st.sampled_from(["replace", "drop", "insert", "empty", "to_dict", "repeat"])
_SCALAR_OPS = st.sampled_from(["replace", "replace", "stringify", "wrap"])


def _pick(draw: st.DrawFn, items: list[T]) -> T:
    return items[draw(_INDEX) % len(items)]


def _mutate_once(draw: st.DrawFn, node: Any, in_memory: bool, depth: int = 0) -> Any:
    """One mutation somewhere in ``node``: walk down a random path, change what is there.

    Only the containers on the path are copied, so mutating a large capture stays cheap.
    ``in_memory``: new values are made Python values at once (Raw -> its value).
    """

    def new_value() -> Any:
        value = draw(hostile)
        return materialize(value) if in_memory else value

    if isinstance(node, (dict, list)) and node and depth < 12 and draw(_DESCEND) > 0:
        key = _pick(draw, _children(node))
        copy = dict(node) if isinstance(node, dict) else list(node)
        copy[key] = _mutate_once(draw, node[key], in_memory, depth + 1)
        return copy
    if isinstance(node, dict):
        op = draw(_DICT_OPS)
        if op == "drop" and node:
            copy = dict(node)
            del copy[_pick(draw, list(node))]
            return copy
        if op == "add":
            return {**node, draw(_NEW_KEYS): new_value()}
        if op == "empty":
            return {}
        if op == "to_list":
            return list(node.values())
    elif isinstance(node, list):
        op = draw(_LIST_OPS)
        if op == "drop" and node:
            index = draw(_INDEX) % len(node)
            return node[:index] + node[index + 1 :]
        if op == "insert":
            index = draw(_INDEX) % (len(node) + 1)
            return [*node[:index], new_value(), *node[index:]]
        if op == "empty":
            return []
        if op == "to_dict":
            return {str(i): v for i, v in enumerate(node)}
        if op == "repeat" and node:
            return node + node[:1] * draw(_COUNT[3])
    else:
        op = draw(_SCALAR_OPS)
        if op == "stringify":
            return str(node)
        if op == "wrap":
            return [node]
    return new_value()


@st.composite
def mutated_json(draw: st.DrawFn, base: Any, max_mutations: int = 4, in_memory: bool = False) -> Any:
    """``base`` (a real or TikTok-shaped JSON value) with 1..max_mutations mutations.

    ``in_memory=True`` for parsers fed Python values (no Raw left in the result); else serialize
    the result with :func:`dumps` / :func:`json_bytes`.
    """
    value = base
    for _ in range(draw(_COUNT[max_mutations])):
        value = _mutate_once(draw, value, in_memory)
    return value


# -- mutated bytes ---------------------------------------------------------------------------

_BYTE_OPS = st.sampled_from(["flip", "set", "truncate", "insert", "delete", "duplicate"])
_BIT = st.integers(min_value=0, max_value=7)
_BYTE = st.sampled_from([0x00, 0xFF, 0x7F, 0x80, 0x08, 0x0A, 0x12, 0x22, 0x3C, 0x7B, 0x5B]) | st.integers(0, 255)
_SPAN = st.integers(min_value=1, max_value=64)
_INSERTS = {n: st.binary(min_size=1, max_size=n) for n in (4, 16, 64)}


def mutate_bytes(draw: st.DrawFn, base: bytes, max_mutations: int = 4, max_insert: int = 16) -> bytes:
    """``base`` with 1..max_mutations byte flips, overwrites, truncations, insertions, deletions."""
    data = bytearray(base)
    for _ in range(draw(_COUNT[max_mutations])):
        op = draw(_BYTE_OPS)
        at = draw(_INDEX) % (len(data) or 1)
        if op == "flip" and data:
            data[at] ^= 1 << draw(_BIT)
        elif op == "set" and data:
            data[at] = draw(_BYTE)
        elif op == "truncate":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(_INSERTS[max_insert])
        elif op == "delete":
            del data[at : at + draw(_SPAN)]
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(_SPAN)]
    return bytes(data)


@st.composite
def mutated_bytes(draw: st.DrawFn, base: bytes, max_mutations: int = 4, max_insert: int = 16) -> bytes:
    """A strategy of :func:`mutate_bytes` applied to ``base``."""
    return mutate_bytes(draw, base, max_mutations, max_insert)
