"""CPython asyncio's side of W2 of bin/bench-compare: many tasks that each sleep, gathered.

Makes T tasks that each ``await asyncio.sleep(ms / 1000)`` and waits for all of them with
``asyncio.gather``: the workload that io.fgbg.bench.ManyTasksBenchmark runs on an fgbg loop.
bin/bench-compare times the whole process from the outside; this prints what it measured
inside (the gather, in ms) and the peak resident set size at the end (VmHWM, in KiB), the same
way the Java side reads it:

    asyncio 412.7
    rss_kib 187236

Usage: python3 benchmarks/python/many.py [--loop asyncio|uvloop] [tasks [ms]]
(defaults: asyncio's own loop, 100000 tasks, 10 ms)
"""

import asyncio
import time

import figures


async def main(tasks, ms):
    start = time.perf_counter_ns()
    await asyncio.gather(*(asyncio.sleep(ms / 1000) for _ in range(tasks)))
    return (time.perf_counter_ns() - start) / 1e6


if __name__ == "__main__":
    loop, (tasks, ms) = figures.parse(["tasks", "ms"], [100_000, 10])
    elapsed = figures.run(main(tasks, ms), loop)
    print(f"{loop} {elapsed:.1f}")
    print(f"rss_kib {figures.peak_rss_kib()}")
