"""CPython asyncio's side of fgbg's echo benchmark.

An echo server and C clients on one asyncio loop; each client sends a 64-byte line and waits
for the echo, N times: the workload that io.fgbg.bench.EchoBenchmark runs on an fgbg loop. The
server reads with readuntil(b"\\n"), writes the line back and drains; a client writes, drains
and reads the echo with readuntil(b"\\n"). Connections are opened before the clock starts.

After warm-up rounds it prints the median of the measured rounds in round trips per second, in
the form bin/bench-echo reads, then the rounds as a comment:

    asyncio 38123.4
    # asyncio rounds 38001.2 38123.4 38500.0

Usage: python3 benchmarks/python/echo.py [--tls DIR] [clients [n [warmup [rounds]]]]
(defaults 50 2000 2 5). With --tls DIR every connection is TLS, with DIR's cert.pem and key.pem
(made by io.fgbg.bench.BenchCertificates, the certificate the fgbg side uses too): the server
presents it, the clients trust it and check the name "localhost"; the figure is printed as
"asyncio-tls".
"""

import asyncio
import os
import ssl
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
    except (asyncio.IncompleteReadError, ConnectionError):
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
    if tls_dir is None:
        return None, None
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(os.path.join(tls_dir, "cert.pem"), os.path.join(tls_dir, "key.pem"))
    client = ssl.create_default_context(cafile=os.path.join(tls_dir, "cert.pem"))
    return server, client


async def main(clients, n, warmup, rounds, tls_dir=None):
    server_tls, client_tls = contexts(tls_dir)
    server = await asyncio.start_server(echo, "127.0.0.1", 0, ssl=server_tls)
    port = server.sockets[0].getsockname()[1]
    connections = [
        await (asyncio.open_connection("127.0.0.1", port) if client_tls is None
               else asyncio.open_connection("127.0.0.1", port, ssl=client_tls,
                                            server_hostname="localhost"))
        for _ in range(clients)]
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
    tls_dir = None
    if args[:1] == ["--tls"]:
        if len(args) < 2:
            sys.exit("usage: echo.py [--tls DIR] [clients [n [warmup [rounds]]]]")
        tls_dir = args[1]
        args = args[2:]
    if len(args) > 4:
        sys.exit("usage: echo.py [--tls DIR] [clients [n [warmup [rounds]]]]")
    names = ["clients", "n", "warmup", "rounds"]
    values = [50, 2000, 2, 5]
    for i, arg in enumerate(args):
        values[i] = positive(arg, names[i])
    label = "asyncio" if tls_dir is None else "asyncio-tls"
    per_second = asyncio.run(main(*values, tls_dir=tls_dir))
    print(f"{label} {statistics.median(per_second):.1f}")
    print(f"# {label} rounds " + " ".join(f"{v:.1f}" for v in per_second))
