"""A CPython asyncio Unix socket peer for fgbg (UnixStreamsTest).

Usage:
  python3 unix_peer.py server PATH   start_unix_server at PATH, print "READY", serve ONE
                                     connection (lines back as "echo: <line>"), print "served <n>"
  python3 unix_peer.py client PATH   open_unix_connection to PATH, send 100 lines and 1 MiB,
                                     check the echoes, print "ok lines=100 bytes=<n>"
"""

import asyncio
import sys

BLOB = 1 << 20


async def server(path):
    done = asyncio.get_running_loop().create_future()
    count = 0

    async def handle(reader, writer):
        nonlocal count
        while True:
            line = await reader.readline()
            if not line:
                break
            count += 1
            writer.write(b"echo: " + line)
            await writer.drain()
        writer.close()
        done.set_result(None)

    srv = await asyncio.start_unix_server(handle, path)
    print("READY", flush=True)
    async with srv:
        await asyncio.wait_for(done, 30)
    print("served", count, flush=True)


async def client(path):
    reader, writer = await asyncio.open_unix_connection(path)
    for i in range(100):
        writer.write(f"line {i} ✓\n".encode())
    await writer.drain()
    for i in range(100):
        line = await reader.readline()
        if line != f"line {i} ✓\n".encode():
            raise SystemExit(f"echo of line {i}: got {line!r}")
    blob = bytes(i % 251 for i in range(BLOB))

    async def send():
        writer.write(blob)
        await writer.drain()
        writer.write_eof()

    _, echoed = await asyncio.gather(send(), reader.readexactly(BLOB))
    if echoed != blob:
        raise SystemExit("the blob's echo differs")
    if await reader.read() != b"":
        raise SystemExit("expected the end of the stream")
    writer.close()
    await writer.wait_closed()
    print(f"ok lines=100 bytes={BLOB}", flush=True)


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    asyncio.run(asyncio.wait_for(server(path) if mode == "server" else client(path), 30))
