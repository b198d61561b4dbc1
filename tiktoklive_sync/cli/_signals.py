"""SIGTERM does what Ctrl-C does.

Docker, systemd and Kubernetes stop a process with SIGTERM, a terminal with SIGINT. Both raise
``KeyboardInterrupt`` in the main thread (once: a second signal while the command finishes its
file or prints its summary is reported and ignored), so ``watch`` prints its summary and
``record`` finishes a playable file whichever arrived (work that stops itself, like a pool, is
asked to stop instead: :func:`signals_call`). :func:`stopped_by` says which it was, for
the exit code of a command that was cut short (130 for SIGINT, 143 for SIGTERM).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

__all__ = ["stop_on_signals", "stopped_by", "exit_code_for_interrupt", "signals_call"]

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []
_callbacks: list[Callable[[], object]] = []


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _received:
        sys.stderr.write(f"tiktoklive-sync: {signal.Signals(signum).name} again: still finishing, please wait\n")
        return
    _received.append(signum)
    if _callbacks:
        _callbacks[-1]()
        return
    raise KeyboardInterrupt


@contextmanager
def signals_call(stop: Callable[[], object]) -> Iterator[None]:
    """While inside, the first SIGINT / SIGTERM calls ``stop()`` instead of raising KeyboardInterrupt.

    For work that stops itself cleanly when asked (a LivePool's ``stop()`` is safe in a signal handler).
    """
    _callbacks.append(stop)
    try:
        yield
    finally:
        _callbacks.remove(stop)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While inside, SIGINT and SIGTERM raise ``KeyboardInterrupt`` in the main thread (first one only).

    Works even when the parent started the command with SIGINT ignored (``cmd &`` in a shell).
    The previous handlers are restored on exit. Outside the main thread this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received.clear()
    previous: dict[int, Any] = {number: signal.getsignal(number) for number in _STOP_SIGNALS}
    for number in _STOP_SIGNALS:
        signal.signal(number, _on_signal)
    try:
        yield
    finally:
        for restored, handler in previous.items():
            signal.signal(restored, handler if handler is not None else signal.SIG_DFL)


def stopped_by() -> int | None:
    """Return the signal number that stopped the command, or None (e.g. a KeyboardInterrupt from code)."""
    return _received[0] if _received else None


def exit_code_for_interrupt() -> int:
    """Return 128 + the signal number for a command cut short by a signal (130 SIGINT, 143 SIGTERM)."""
    return 128 + (stopped_by() or signal.SIGINT)
