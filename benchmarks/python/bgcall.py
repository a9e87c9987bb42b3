"""CPython asyncio's side of W4 of bin/bench-compare: a blocking call's round trip.

Awaits ``loop.run_in_executor(None, f)`` of a trivial function N times in a row, on the default
executor (a ThreadPoolExecutor): the workload that io.fgbg.bench.BackgroundCallBenchmark runs
with fgbg's ``callInBackground``. After warm-up rounds it prints the median of the measured
rounds in microseconds per round trip (the first word is the loop's name), then the rounds:

    asyncio 61.3
    # asyncio rounds 60.8 61.3 62.0

Usage: python3 benchmarks/python/bgcall.py [--loop asyncio|uvloop] [n [warmup [rounds]]]
(defaults: asyncio's own loop, 10000 calls a round, 2 warm-up rounds, 5 rounds)
"""

import asyncio
import time

import figures


def trivial():
    return None


async def one_round(n):
    """Microseconds per round trip over n calls, one after another."""
    loop = asyncio.get_running_loop()
    start = time.perf_counter_ns()
    for _ in range(n):
        await loop.run_in_executor(None, trivial)
    return (time.perf_counter_ns() - start) / n / 1000


async def main(n, warmup, rounds):
    for _ in range(warmup):
        await one_round(n)
    return [await one_round(n) for _ in range(rounds)]


if __name__ == "__main__":
    loop, values = figures.parse(["n", "warmup", "rounds"], [10_000, 2, 5])
    figures.report(loop, figures.run(main(*values), loop))
