"""Event handlers for :meth:`LiveClient.run`: register with ``@client.on(EventType)``.

A handler registered for a class also receives its subclasses (``on(tls.Event)`` sees every
event, ``on(tls.SocialEvent)`` both follows and shares). A handler that raises is logged with its
traceback and the others, and the client, carry on.

Example::

    @client.on(tls.CommentEvent)
    def on_comment(event: tls.CommentEvent) -> None:
        print(event.user.nickname, event.comment)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from ..events._base import Event

__all__ = ["Handlers"]

log = logging.getLogger("tiktoklive_sync")

E = TypeVar("E", bound=Event)


class Handlers:
    """A list of (event class, handler) pairs and the dispatch over it (a LiveClient base class)."""

    def __init__(self) -> None:
        self._handlers: list[tuple[type[Event], Callable[[Any], object]]] = []

    def on(self, event_type: type[E]) -> Callable[[Callable[[E], object]], Callable[[E], object]]:
        """Register the decorated function for ``event_type`` (and its subclasses).

        Returns:
            a decorator that registers the function and returns it unchanged.
        Raises:
            ValueError: ``event_type`` is not an Event class.
        """
        if not (isinstance(event_type, type) and issubclass(event_type, Event)):
            raise ValueError(f"on() takes an event class such as tls.CommentEvent, not {event_type!r}")

        def register(handler: Callable[[E], object]) -> Callable[[E], object]:
            self._handlers.append((event_type, handler))
            return handler

        return register

    def add_handler(self, event_type: type[E], handler: Callable[[E], object]) -> None:
        """Register ``handler`` for ``event_type`` (the non-decorator form of :meth:`on`).

        Raises:
            ValueError: ``event_type`` is not an Event class.
        """
        self.on(event_type)(handler)

    def remove_handler(self, handler: Callable[..., object]) -> None:
        """Unregister ``handler`` for every event type it was registered for."""
        self._handlers = [(t, h) for t, h in self._handlers if h is not handler]

    def dispatch(self, event: Event) -> None:
        """Call every handler registered for ``event``'s type, in registration order.

        A handler that raises is logged (with its traceback) and does not stop the others.
        """
        for event_type, handler in list(self._handlers):
            if isinstance(event, event_type):
                try:
                    handler(event)
                except Exception:
                    log.exception("handler %s failed on %s", getattr(handler, "__name__", handler), event)
