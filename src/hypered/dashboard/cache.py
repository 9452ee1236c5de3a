"""Values kept per study and made once per version of it (a parsed study, a frame, a fitted model)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerVersion(Generic[T]):
    """A value per study, made once per version of it: who asks while it is being made waits for it.

    A page asks for the same study several times at once; one request reads (or fits) it, the
    others wait and get that value instead of starting their own.
    """

    def __init__(self) -> None:
        self._values: dict[str, tuple[Hashable, T]] = {}
        self._making: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def peek(self, name: str, version: Hashable) -> T | None:
        """The value made for this version, if there is one; never waits."""
        with self._lock:
            kept = self._values.get(name)
        return kept[1] if kept is not None and kept[0] == version else None

    def get(self, name: str, version: Hashable, make: Callable[[], T]) -> T:
        """The value for this version, made by `make` unless it was already (one maker per name)."""
        with self._lock:
            making = self._making.setdefault(name, threading.Lock())
        with making:
            value = self.peek(name, version)
            if value is None:
                value = make()
                with self._lock:
                    self._values[name] = (version, value)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
