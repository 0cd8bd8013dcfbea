"""The sliding window behind the web chat's rate limits."""

from channels.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_the_limit_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(3, window_seconds=60, clock=clock)
    assert [limiter.hit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += 10
    assert limiter.hit("a") == 50.0
    assert limiter.hit("b") == 0.0  # another key has its own window


def test_the_window_slides() -> None:
    clock = Clock()
    limiter = RateLimiter(2, window_seconds=60, clock=clock)
    limiter.hit("a")
    clock.now += 30
    limiter.hit("a")
    clock.now += 30.5
    assert limiter.hit("a") == 0.0  # the first hit has left the window
    assert limiter.hit("a") > 0


def test_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(1, window_seconds=60, clock=clock, max_keys=100)
    for i in range(1000):
        limiter.hit(f"address-{i}")
        clock.now += 0.001
    assert len(limiter._hits) <= 100
