"""Flat, JSON-ready records of events: what ``Event.to_dict()`` returns.

A record holds ``type`` (the class name), ``method``, ``msg_id``, ``room_id``, ``create_time`` (ms),
``created_at`` (ISO-8601 UTC string or None), then the event's own attributes under the names the
docs use, each a str, int, float, bool or None (lists only for lists of plain values, such as
``ImDeleteEvent.delete_msg_ids``; ``CaptionEvent.captions`` stays a dict of language -> text):

* a user attribute becomes three keys: ``user`` -> ``user_id`` (int), ``unique_id``, ``nickname``;
  any other, e.g. ``to_user`` -> ``to_user_id``, ``to_user_unique_id``, ``to_user_nickname``;
* a gift description (``GiftEvent.gift``) adds ``streakable`` and, where the event has none of its
  own, ``gift_id``, ``gift_name`` and ``diamond_count``;
* a bytes payload (``UnknownEvent.payload``) becomes ``payload_size`` and ``payload_base64``;
* protobuf sub-messages and lists of them are left out (they are in ``event.raw``).

Which attributes a class has is worked out once per class from its properties and dataclass
fields and their type annotations; reading a record is then one call per attribute.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["flat_record", "iso_from_ms", "iso_utc"]

#: attributes every record has, read by the code below rather than by the per-class plan
_HEADER = frozenset({"method", "msg_id", "room_id", "create_time", "created_at", "raw", "common"})
#: attribute annotations kept as they are
_PLAIN = frozenset({
    "int", "str", "bool", "float", "int | None", "str | None", "bool | None", "float | None",
    "list[int]", "list[str]", "dict[str, str]",
})
_USER = frozenset({"UserView", "UserView | None"})
_GIFT = frozenset({"GiftInfo", "GiftInfo | None"})
_BYTES = frozenset({"bytes"})

Reader = Callable[[Any, dict[str, Any]], None]
_PLANS: dict[type, tuple[bool, tuple[Reader, ...]]] = {}
_PLANS_LOCK = threading.Lock()


def iso_utc(moment: _dt.datetime | None) -> str | None:
    """Return an aware datetime as an ISO-8601 string in UTC (``...+00:00``), or None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment.astimezone(_dt.timezone.utc).isoformat()


_SECONDS: dict[int, str | None] = {}  # whole second -> "YYYY-MM-DDTHH:MM:SS" (events come in bursts)


def iso_from_ms(ms: int) -> str | None:
    """Return milliseconds since the epoch as ``datetime.isoformat()`` gives them in UTC, or None for
    0 and for times a datetime cannot hold (as ``Event.created_at``)."""
    if not ms:
        return None
    seconds, fraction = divmod(ms, 1000)
    prefix = _SECONDS.get(seconds, "")
    if prefix == "":
        try:
            prefix = _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
            if len(prefix) != 19:  # years before 1000 print short
                prefix = _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc).isoformat()[:19]
        except (OverflowError, ValueError, OSError):
            prefix = None
        if len(_SECONDS) > 4096:
            _SECONDS.clear()
        _SECONDS[seconds] = prefix
    if prefix is None:
        return None
    return f"{prefix}.{fraction:03d}000+00:00" if fraction else prefix + "+00:00"


def flat_record(event: Any) -> dict[str, Any]:
    """Return the flat record of ``event`` (any :class:`~tiktoklive_sync.Event`).

    Returns:
        A new dict of plain JSON values (see the module docstring). Never raises for a decoded event:
        a message that lacks a field gives that field's empty value, as the properties do.
    """
    cls = type(event)
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _plan_for(cls)
    from_header, readers = plan
    if from_header:  # the header properties read raw.common: read it once
        common = event.raw.common
        msg_id, room_id, ms = common.msg_id, common.room_id, common.create_time
    else:
        msg_id, room_id, ms = event.msg_id, event.room_id, event.create_time
    record: dict[str, Any] = {
        "type": cls.__name__,
        "method": event.method,
        "msg_id": msg_id or None,
        "room_id": room_id,
        "create_time": ms,
        "created_at": iso_from_ms(ms),
    }
    for read in readers:
        read(event, record)
    return record


def _plan_for(cls: type) -> tuple[bool, tuple[Reader, ...]]:
    with _PLANS_LOCK:
        plan = _PLANS.get(cls)
        if plan is None:
            plan = (_reads_header(cls), tuple(_readers(cls)))
            _PLANS[cls] = plan
        return plan


def _reads_header(cls: type) -> bool:
    """True when msg_id, room_id and create_time are the base class's properties over ``raw.common``."""
    for klass in cls.__mro__:
        own = vars(klass)
        if isinstance(own.get("common"), property):
            return all(isinstance(own.get(name), property) for name in ("msg_id", "room_id", "create_time"))
        if any(name in own for name in ("msg_id", "room_id", "create_time")):
            return False  # a subclass (or a dataclass field) defines them its own way
    return False


def _attributes(cls: type) -> list[tuple[str, str, Callable[[Any], Any]]]:
    """(name, annotation, getter) of every public attribute, subclass definitions first."""
    seen: set[str] = set()
    out: list[tuple[str, str, Callable[[Any], Any]]] = []
    if dataclasses.is_dataclass(cls):
        for item in dataclasses.fields(cls):
            name = item.name
            if name.startswith("_") or name in _HEADER:
                continue
            seen.add(name)
            out.append((name, str(item.type), _field_getter(name)))
    for klass in cls.__mro__:
        for name, attr in vars(klass).items():
            if not isinstance(attr, property) or name in seen or name.startswith("_") or name in _HEADER:
                continue
            seen.add(name)
            fget = attr.fget
            annotation = str(getattr(fget, "__annotations__", {}).get("return", ""))
            if fget is not None:
                out.append((name, annotation, fget))
    return out


def _field_getter(name: str) -> Callable[[Any], Any]:
    def get(event: Any) -> Any:
        return getattr(event, name)

    return get


def _readers(cls: type) -> list[Reader]:
    attributes = _attributes(cls)
    names = {name for name, _, _ in attributes}
    readers: list[Reader] = []
    # display_text is TikTok's own rendering: useful, and last so the event's own fields come first
    for name, annotation, get in attributes:
        if name == "display_text":
            continue
        if annotation in _PLAIN:
            readers.append(_plain(name, get))
        elif annotation in _USER:
            readers.append(_user(name, get))
        elif annotation in _GIFT:
            readers.append(_gift(get, names))
        elif annotation in _BYTES:
            readers.append(_payload(name, get))
    if hasattr(cls, "display_text"):
        readers.append(_plain("display_text", lambda event: event.display_text))
    return readers


def _plain(name: str, get: Callable[[Any], Any]) -> Reader:
    def read(event: Any, record: dict[str, Any]) -> None:
        value = get(event)
        if isinstance(value, dict):
            value = {str(key): str(item) for key, item in value.items()}
        elif isinstance(value, list):
            value = list(value)
        record[name] = value

    return read


def _user(name: str, get: Callable[[Any], Any]) -> Reader:
    prefix = "" if name == "user" else name + "_"
    id_key = "user_id" if name == "user" else name + "_id"
    unique_key, nickname_key = prefix + "unique_id", prefix + "nickname"

    def read(event: Any, record: dict[str, Any]) -> None:
        view = get(event)
        if view is None:
            record[id_key] = record[unique_key] = record[nickname_key] = None
            return
        raw = view.raw
        record[id_key] = raw.id or None
        record[unique_key] = raw.display_id
        record[nickname_key] = raw.nickname

    return read


def _gift(get: Callable[[Any], Any], names: set[str]) -> Reader:
    own = {key for key in ("gift_id", "gift_name", "diamond_count") if key in names}

    def read(event: Any, record: dict[str, Any]) -> None:
        info = get(event)
        raw = info.raw if info is not None else None
        record["streakable"] = raw is not None and raw.type == 1
        if "gift_id" not in own:
            record["gift_id"] = raw.id if raw is not None else None
        if "gift_name" not in own:
            record["gift_name"] = raw.name if raw is not None else None
        if "diamond_count" not in own:
            record["diamond_count"] = raw.diamond_count if raw is not None else None

    return read


def _payload(name: str, get: Callable[[Any], Any]) -> Reader:
    def read(event: Any, record: dict[str, Any]) -> None:
        data = get(event) or b""
        record[name + "_size"] = len(data)
        record[name + "_base64"] = base64.b64encode(data).decode("ascii")

    return read
