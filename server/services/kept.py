"""Reads a server process keeps and sends again while they are still right.

Each kept value carries what it was read under (a data version, a deadline); the caller
checks that before using it. This module only bounds how many there are: least recently
used out first, and none at all when the bound is 0.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    def __init__(self, most: int) -> None:
        self.most = most
        self._items: OrderedDict[K, V] = OrderedDict()

    def resize(self, most: int) -> None:
        """Keep at most ``most`` values from now on (0: none)."""
        self.most = most
        while len(self._items) > most:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> None:
        if not self.most:
            return
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.most:
            self._items.popitem(last=False)
