"""A small thread-safe least-recently-used map, for what a server process keeps between
requests (gunicorn's threads share a worker's): stored pages' parts, rendered fragments."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class LRU:
    """At most `size` entries; the least recently used goes first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> Any:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value kept under `key`, else `build()` kept: None too (no such row)."""
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return self.put(key, build())

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


class ByteLRU(LRU):
    """Least recently used values with a `size` (bytes), at most `max_bytes` of them."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(size=0)  # bounded by bytes, not by count
        self.max_bytes = max_bytes
        self.bytes = 0

    def put(self, key: Hashable, page: Any) -> Any:
        if page.size > self.max_bytes:
            return page
        with self.lock:
            old = self.items.pop(key, None)
            self.bytes += page.size - (old.size if old else 0)
            self.items[key] = page
            while self.bytes > self.max_bytes:
                _key, dropped = self.items.popitem(last=False)
                self.bytes -= dropped.size
        return page

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.bytes = 0
