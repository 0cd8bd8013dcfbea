"""Sliding-window rate limits per key (a session, a client address), kept in this process's memory.

With several channels workers each keeps its own windows, so the effective limit is per worker;
that is enough against a runaway client, which is what these limits are for.
"""

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    limit: int
    window_seconds: float = 60.0
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 100_000
    _hits: dict[str, deque[float]] = field(default_factory=dict)

    def hit(self, key: str) -> float:
        """Count one request for ``key``; 0 when allowed, else the seconds until the next one is."""
        now = self.clock()
        window = self._hits.get(key)
        if window is None:
            if len(self._hits) >= self.max_keys:
                self._forget_idle(now)
            window = self._hits[key] = deque()
        while window and window[0] <= now - self.window_seconds:
            window.popleft()
        if len(window) >= self.limit:
            return max(window[0] + self.window_seconds - now, 0.001)
        window.append(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, w in self._hits.items() if not w or w[-1] <= now - self.window_seconds]:
            del self._hits[key]
        if len(self._hits) >= self.max_keys:  # all busy: drop the oldest half rather than grow without bound
            for key in list(self._hits)[: self.max_keys // 2]:
                del self._hits[key]
