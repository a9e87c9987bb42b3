"""A CPython asyncio server for an fgbg client (StreamsPythonPeersTest).

Usage: python3 asyncio_server.py

Listens on an ephemeral port of 127.0.0.1 and prints "PORT <n>" on stdout, then serves ONE
connection and exits (after 30 s at most). The connection speaks lines:

  send <n>   the server sends n bytes of the pattern i % 251
  sha <n>    the server reads exactly n bytes and answers with their SHA-256 in hex
  bye        the server answers "bye" and closes the connection
  <other>    the server answers "echo: <other>"

When the connection ends the server prints "served <commands>" and exits with status 0.
"""

import asyncio
import hashlib
import sys


def pattern(n):
    return bytes(i % 251 for i in range(n))


async def main():
    done = asyncio.get_running_loop().create_future()
    commands = 0

    async def handle(reader, writer):
        nonlocal commands
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                commands += 1
                text = line.decode().rstrip("\n")
                if text.startswith("send "):
                    writer.write(pattern(int(text[5:])))
                elif text.startswith("sha "):
                    data = await reader.readexactly(int(text[4:]))
                    writer.write((hashlib.sha256(data).hexdigest() + "\n").encode())
                elif text == "bye":
                    writer.write(b"bye\n")
                    await writer.drain()
                    break
                else:
                    writer.write(("echo: " + text + "\n").encode())
                await writer.drain()
        finally:
            writer.close()
            if not done.done():
                done.set_result(None)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await asyncio.wait_for(done, 30)
    print("served", commands, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
