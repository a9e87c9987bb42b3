"""CPython asyncio's side of fgbg's switch benchmark.

Two tasks each yield to the loop N times (``await asyncio.sleep(0)``) while the main coroutine
waits for both under ``asyncio.gather``: the workload that io.fgbg.bench.SwitchBenchmark runs on
an fgbg loop. Each yield is one switch, so the cost per switch is the elapsed time over 2N.

After one unmeasured warm-up round it measures a few rounds and prints the median in
nanoseconds per switch, in the form bin/bench-switch reads, then the rounds as a comment:

    asyncio 1452.3
    # asyncio rounds 1460.1 1452.3 1449.8

Usage: python3 benchmarks/python/switch.py [n [rounds]]   (defaults 200000 3)
"""

import asyncio
import statistics
import sys
import time

from figures import positive

DEFAULT_N = 200_000
DEFAULT_ROUNDS = 3


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


async def main(n, rounds):
    await one_round(n)  # warm-up
    return [await one_round(n) / (2 * n) for _ in range(rounds)]


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) > 2:
        sys.exit("usage: switch.py [n [rounds]]")
    n = positive(args[0], "n") if len(args) > 0 else DEFAULT_N
    rounds = positive(args[1], "rounds") if len(args) > 1 else DEFAULT_ROUNDS
    per_switch = asyncio.run(main(n, rounds))
    print(f"asyncio {statistics.median(per_switch):.1f}")
    print("# asyncio rounds " + " ".join(f"{v:.1f}" for v in per_switch))
