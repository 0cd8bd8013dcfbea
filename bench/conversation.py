"""Conversation benchmark: per-turn latency through Rasa's REST channel, and the Rasa process's memory.

Starts the real stack (booking on SQLite with the demo data, action server, Rasa with the current
model) on loopback, then runs complete booking conversations (need, town, consent, a time, name,
phone, confirmation; a time taken meanwhile by another conversation is replaced by a fresh one the
bot offers): first one at a time, then 20 at once, (a) with a human pause between turns
(3 s on average, jittered: people read and type, and do not start at the same moment) and (b) back to back with no pause at all, which measures saturation
of the machine rather than what a person waits. Concurrent conversations pick different times, so they
do not all compete for the same slot. Prints p50/p95 per turn and the Rasa process's resident memory.
Prints numbers; asserts nothing.

    .venv/bin/python bench/conversation.py [--conversations 20] [--think 3]
"""

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.stack import running_stack  # noqa: E402
from tests.e2e.test_booking_conversation import CONVERSATIONS, REFERENCE, slot_payloads  # noqa: E402

TARGET_P95_MS = 300


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def conversation(
    client: httpx.AsyncClient, language: str, timings: list[float], *, pick: int = 0, think: float = 0.0
) -> bool:
    """One complete booking; returns whether it ended with a booking code."""
    need, place, _municipality, _office = CONVERSATIONS[language]
    sender = f"bench-{uuid.uuid4().hex}"
    rng = random.Random(sender)

    async def say(text: str) -> list[dict]:
        if think:  # people are not synchronised: each pause is between half and one and a half times `think`
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        started = time.perf_counter()
        response = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text,
                                                                      "metadata": {"channel": "web"}})  # fmt: skip
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        return response.json()

    await say(need)
    await say(place)
    offered = await say("/affirm")
    payloads = slot_payloads(offered)
    if not payloads:
        return False
    await say(payloads[pick % len(payloads)])
    await say("Amal Haddad")
    await say("0151 23456789")
    final = await say("/affirm")
    for _ in range(3):  # taken meanwhile by another conversation: take a fresh time, confirm again
        if not (fresh := slot_payloads(final)):
            break
        await say(rng.choice(fresh))
        final = await say("/affirm")
    return any(REFERENCE.search(m.get("text") or "") for m in final)


async def run(rasa_url: str, parallel: int, rounds: int, think: float = 0.0) -> tuple[list[float], int]:
    timings: list[float] = []
    languages = list(CONVERSATIONS)
    ok = 0
    async with httpx.AsyncClient(base_url=rasa_url, timeout=120) as client:
        for r in range(rounds):
            results = await asyncio.gather(
                *(
                    conversation(client, languages[(r * parallel + i) % len(languages)], timings, pick=i, think=think)
                    for i in range(parallel)
                )
            )
            ok += sum(results)
    return timings, ok


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20, help="concurrent conversations")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of one-at-a-time conversations")
    parser.add_argument("--think", type=float, default=3.0, help="seconds a person takes between messages")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running_stack(f"sqlite:///{tmp}/bench.sqlite3") as stack:
        asyncio.run(run(stack.rasa_url, 1, 1))  # warm-up
        rss_idle = rss_mb(stack.pids["rasa"])
        single, ok1 = asyncio.run(run(stack.rasa_url, 1, args.rounds))
        many, ok20 = asyncio.run(run(stack.rasa_url, args.conversations, 1, think=args.think))
        burst, okb = asyncio.run(run(stack.rasa_url, args.conversations, 1))
        rss_busy = rss_mb(stack.pids["rasa"])
    print("per-turn latency through Rasa's REST channel (booking conversations of 7 turns, 9 after a time was taken):")
    for label, values, ok, total in (
        ("1 conversation", single, ok1, args.rounds),
        (f"{args.conversations} concurrent, {args.think:g} s pauses", many, ok20, args.conversations),
        (f"{args.conversations} concurrent, no pauses (saturation)", burst, okb, args.conversations),
    ):
        p95 = percentile(values, 95)
        verdict = "target met" if p95 <= TARGET_P95_MS else "above target"
        print(f"  {label}: p50 {statistics.median(values):.0f} ms, p95 {p95:.0f} ms over {len(values)} turns "
              f"({ok}/{total} booked) [{verdict}: p95 <= {TARGET_P95_MS} ms]")  # fmt: skip
    print(f"  ratio p95 concurrent with pauses / single: {percentile(many, 95) / percentile(single, 95):.1f}")
    print(f"Rasa process memory (RSS): {rss_idle:.0f} MB after warm-up, {rss_busy:.0f} MB after the concurrent run")


if __name__ == "__main__":
    main()
