"""CPython asyncio's side of W5 of bin/bench-compare: an HTTP/1.1 keep-alive hello world server.

Serves on 127.0.0.1 with ``asyncio.start_server``, as io.fgbg.bench.HttpHelloServer does on an
fgbg loop: per request it reads the request line and the headers up to the blank line with
``readline()``, writes a fixed 200 response with a Content-Length and keep-alive, and drains; a
``Connection: close`` header (answered with ``Connection: close``) or the client's end of stream
ends the connection. It prints
``port N`` once it listens, and serves until its standard input reaches end of file.
bin/bench-compare points ``wrk`` at it (its warm-up run of wrk closes 50 connections before the
measured run, which also takes asyncio's reads off mmap: see echo.py's warm_up).

Usage: python3 benchmarks/python/http_hello.py [--loop asyncio|uvloop]   (it listens on any free port)
"""

import asyncio
import sys

import figures


def response(connection):
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
            b"Connection: " + connection + b"\r\n\r\nHello, World!")


RESPONSE = response(b"keep-alive")
LAST_RESPONSE = response(b"close")


async def serve(reader, writer):
    try:
        while await reader.readline():  # the request line; empty at end of stream
            close = False
            while True:
                header = await reader.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.partition(b":")
                if name.strip().lower() == b"connection" and value.strip().lower() == b"close":
                    close = True
            writer.write(LAST_RESPONSE if close else RESPONSE)
            await writer.drain()
            if close:
                return
    except ConnectionError:
        pass  # a client that resets: nothing to answer
    finally:
        writer.close()


async def main(port):
    server = await asyncio.start_server(serve, "127.0.0.1", port)
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
    server.close()


if __name__ == "__main__":
    # port 0 is any port; parse takes positive values only, so it is the default, not an argument
    loop, _ = figures.parse([], [])
    figures.run(main(0), loop)
