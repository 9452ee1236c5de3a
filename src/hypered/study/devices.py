"""Hands out device indices so that no two running trials share one."""

from __future__ import annotations

from collections.abc import Sequence

from ..space import DeviceId


class DevicePool:
    """The devices of every `device_id(count)` in params; round robin over the free ones."""

    def __init__(self, devices: Sequence[tuple[str, DeviceId]]) -> None:
        # make_spec has checked that `parallel` is at most every device count
        self._counts = {name: device.count for name, device in devices}
        self._next = dict.fromkeys(self._counts, 0)
        self._held: dict[int, dict[str, int]] = {}  # trial number -> its devices

    def acquire(self, number: int) -> dict[str, int]:
        """A free device for each device_id parameter, held by trial `number`."""
        picks = {}
        for name, count in self._counts.items():
            busy = {held[name] for held in self._held.values()}
            start = self._next[name]
            pick = next(i % count for i in range(start, start + count) if i % count not in busy)
            self._next[name] = (pick + 1) % count
            picks[name] = pick
        self._held[number] = picks
        return picks

    def release(self, number: int) -> None:
        self._held.pop(number, None)
