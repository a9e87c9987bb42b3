"""CPython asyncio's side of fgbg's switch benchmark.

Two tasks each yield to the loop N times (``await asyncio.sleep(0)``) while the main coroutine
waits for both under ``asyncio.gather``: the workload that io.fgbg.bench.SwitchBenchmark runs on
an fgbg loop. Each yield is one switch, so the cost per switch is the elapsed time over 2N.

After unmeasured warm-up rounds it measures a few rounds and prints the median in
nanoseconds per switch, in the form bin/bench-switch and bin/bench-compare read, then the rounds
as a comment (the first word is the loop's name):

    asyncio 1452.3
    # asyncio rounds 1460.1 1452.3 1449.8

Usage: python3 benchmarks/python/switch.py [--loop asyncio|uvloop] [n [warmup [rounds]]]
(defaults: asyncio's own loop, 200000 yields per task, 1 warm-up round, 3 rounds)
"""

import asyncio
import time

import figures


async def yielder(n):
    for _ in range(n):
        await asyncio.sleep(0)


async def one_round(n):
    """Elapsed nanoseconds for two tasks yielding n times each, awaited with gather."""
    first = asyncio.create_task(yielder(n))
    second = asyncio.create_task(yielder(n))
    start = time.perf_counter_ns()
    await asyncio.gather(first, second)
    return time.perf_counter_ns() - start


async def main(n, warmup, rounds):
    for _ in range(warmup):
        await one_round(n)
    return [await one_round(n) / (2 * n) for _ in range(rounds)]


if __name__ == "__main__":
    loop, values = figures.parse(["n", "warmup", "rounds"], [200_000, 1, 3])
    figures.report(loop, figures.run(main(*values), loop))
