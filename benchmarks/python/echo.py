"""CPython asyncio's side of fgbg's echo benchmark.

An echo server and C clients on one asyncio loop; each client sends a 64-byte line and waits
for the echo, N times: the workload that io.fgbg.bench.EchoBenchmark runs on an fgbg loop. The
server reads with readuntil(b"\\n"), writes the line back and drains; a client writes, drains
and reads the echo with readuntil(b"\\n"). Connections are opened before the clock starts.

Before anything is measured, one connection does a round trip and is closed, and the server
reads its end of stream: see warm_up(). Then, after warm-up rounds, it prints the median of the
measured rounds in round trips per second, in the form bin/bench-echo and bin/bench-compare read
(the first word is the loop's name), then the rounds as a comment:

    asyncio 38123.4
    # asyncio rounds 38001.2 38123.4 38500.0

Usage: python3 benchmarks/python/echo.py [--tls DIR] [--loop asyncio|uvloop]
                                         [clients [n [warmup [rounds]]]]
(defaults: asyncio's own loop, 50 clients, 2000 round trips each, 2 warm-up rounds, 5 rounds).
With --tls DIR every connection is TLS, with DIR's cert.pem and key.pem (made by
io.fgbg.bench.BenchCertificates, the certificate the fgbg side uses too): the server presents it,
the clients trust it and check the name "localhost"; the figure is printed as "asyncio-tls".
"""

import asyncio
import os
import ssl
import sys
import time

import figures

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


def contexts(tls_dir):
    """(server, client) SSL contexts from tls_dir's certificate, or (None, None) for plain TCP."""
    if tls_dir is None:
        return None, None
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(os.path.join(tls_dir, "cert.pem"), os.path.join(tls_dir, "key.pem"))
    client = ssl.create_default_context(cafile=os.path.join(tls_dir, "cert.pem"))
    return server, client


def connect(port, client_tls):
    if client_tls is None:
        return asyncio.open_connection("127.0.0.1", port)
    return asyncio.open_connection("127.0.0.1", port, ssl=client_tls, server_hostname="localhost")


async def warm_up(port, client_tls):
    """One connection that does a round trip and is closed, before anything is measured.

    asyncio's transports read with sock.recv(256 KiB): each read allocates a 256 KiB buffer and
    shrinks it to what came. glibc's malloc serves blocks that large with mmap (its threshold
    starts at 128 KiB), so every read costs an mmap, page faults and an munmap, until a block of
    that size is freed with free(), which raises the threshold: the read of a closed
    connection's end of stream does that (an empty result frees the whole buffer). A
    long-running asyncio server has seen such a connection long before; without one, asyncio
    would run this benchmark at about half its speed. uvloop reads into a buffer of its own and
    does not need it, but gets it too, so that every side starts alike.
    """
    reader, writer = await connect(port, client_tls)
    writer.write(LINE)
    await writer.drain()
    await reader.readuntil(b"\n")
    writer.close()
    await writer.wait_closed()
    await HANDLERS[0]  # the server has read the end of stream and closed its side


async def main(clients, n, warmup, rounds, tls_dir=None):
    server_tls, client_tls = contexts(tls_dir)
    server = await asyncio.start_server(echo, "127.0.0.1", 0, ssl=server_tls)
    port = server.sockets[0].getsockname()[1]
    await warm_up(port, client_tls)
    connections = [await connect(port, client_tls) for _ in range(clients)]
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
    tls_dir = None
    if sys.argv[1:2] == ["--tls"]:
        if len(sys.argv) < 3:
            sys.exit("usage: echo.py [--tls DIR] [--loop asyncio|uvloop] [clients [n [warmup [rounds]]]]")
        tls_dir = sys.argv[2]
        del sys.argv[1:3]
    loop, values = figures.parse(["clients", "n", "warmup", "rounds"], [50, 2000, 2, 5])
    figures.report(loop + ("-tls" if tls_dir else ""), figures.run(main(*values, tls_dir), loop))
