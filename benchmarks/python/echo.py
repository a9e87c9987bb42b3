"""CPython asyncio's side of fgbg's echo benchmark.

An echo server and C clients on one asyncio loop; each client sends a 64-byte line and waits
for the echo, N times: the workload that io.fgbg.bench.EchoBenchmark runs on an fgbg loop. The
server reads with readuntil(b"\\n"), writes the line back and drains; a client writes, drains
and reads the echo with readuntil(b"\\n"). Connections are opened before the clock starts.

After warm-up rounds it prints the median of the measured rounds in round trips per second, in
the form bin/bench-echo reads, then the rounds as a comment:

    asyncio 38123.4
    # asyncio rounds 38001.2 38123.4 38500.0

Usage: python3 benchmarks/python/echo.py [clients [n [warmup [rounds]]]]   (defaults 50 2000 2 5)
"""

import asyncio
import statistics
import sys
import time

from figures import positive

LINE = b"x" * 63 + b"\n"


HANDLERS = []


async def echo(reader, writer):
    HANDLERS.append(asyncio.current_task())
    try:
        while True:
            writer.write(await reader.readuntil(b"\n"))
            await writer.drain()
    except asyncio.IncompleteReadError:
        writer.close()


async def client(reader, writer, n):
    for _ in range(n):
        writer.write(LINE)
        await writer.drain()
        back = await reader.readuntil(b"\n")
        if len(back) != len(LINE):
            raise RuntimeError(f"echoed {len(back)} bytes, not 64")


async def one_round(connections, n):
    start = time.perf_counter_ns()
    await asyncio.gather(*(client(r, w, n) for r, w in connections))
    return time.perf_counter_ns() - start


async def main(clients, n, warmup, rounds):
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connections = [await asyncio.open_connection("127.0.0.1", port) for _ in range(clients)]
    for _ in range(warmup):
        await one_round(connections, n)
    per_second = [clients * n / (await one_round(connections, n) / 1e9) for _ in range(rounds)]
    for _, w in connections:
        w.close()
    server.close()
    await asyncio.gather(*HANDLERS)  # each ends at its client's EOF
    await server.wait_closed()
    return per_second


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) > 4:
        sys.exit("usage: echo.py [clients [n [warmup [rounds]]]]")
    names = ["clients", "n", "warmup", "rounds"]
    values = [50, 2000, 2, 5]
    for i, arg in enumerate(args):
        values[i] = positive(arg, names[i])
    per_second = asyncio.run(main(*values))
    print(f"asyncio {statistics.median(per_second):.1f}")
    print("# asyncio rounds " + " ".join(f"{v:.1f}" for v in per_second))
