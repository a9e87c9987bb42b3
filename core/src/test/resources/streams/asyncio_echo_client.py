"""A CPython asyncio client for an fgbg echo server (StreamsPythonPeersTest).

Usage: python3 asyncio_echo_client.py PORT

Sends 100 lines and checks their echoes, then sends 2 MiB of bytes while it reads them back (both
at once, so that neither side's buffers can fill up for good), ends its side of the stream and
expects the server to end its own. Prints "ok lines=N bytes=M" on success; on a mismatch it
prints why on stderr and exits with status 1.
"""

import asyncio
import sys

LINES = 100
BLOB = 2 * 1024 * 1024


def pattern(n):
    return bytes(i % 251 for i in range(n))


async def main(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i in range(LINES):
        writer.write(f"line {i} héllo ✓\n".encode())
    await writer.drain()
    for i in range(LINES):
        line = await reader.readline()
        expected = f"line {i} héllo ✓\n".encode()
        if line != expected:
            raise SystemExit(f"echo of line {i}: expected {expected!r}, got {line!r}")

    blob = pattern(BLOB)

    async def send():
        for off in range(0, BLOB, 100_000):
            writer.write(blob[off:off + 100_000])
            await writer.drain()
        writer.write_eof()

    async def receive():
        return await reader.readexactly(BLOB)

    _, echoed = await asyncio.gather(send(), receive())
    if echoed != blob:
        first = next(i for i in range(BLOB) if echoed[i] != blob[i])
        raise SystemExit(f"the blob's echo differs from byte {first}")
    rest = await reader.read()
    if rest != b"":
        raise SystemExit(f"expected the end of the stream after the blob, got {rest[:50]!r}")
    writer.close()
    await writer.wait_closed()
    print(f"ok lines={LINES} bytes={BLOB}", flush=True)


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(int(sys.argv[1])), 30))
