"""A CPython asyncio datagram peer for fgbg (DatagramEndpointTest).

Usage:
  python3 udp_peer.py echo          create_datagram_endpoint on 127.0.0.1:0, print "PORT <n>",
                                    send each datagram back until one is b"bye", then print
                                    "echoed <n>"
  python3 udp_peer.py client PORT   send 100 datagrams to 127.0.0.1:PORT one at a time, each
                                    awaiting its echo (0.5 s, 5 tries), print "ok <n>"
"""

import asyncio
import sys


class Echo(asyncio.DatagramProtocol):
    def __init__(self, done):
        self.done = done
        self.count = 0

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if data == b"bye":
            self.transport.sendto(b"bye", addr)
            self.done.set_result(None)
            return
        self.count += 1
        self.transport.sendto(data, addr)


class Client(asyncio.DatagramProtocol):
    def __init__(self):
        self.queue = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.queue.put_nowait(data)


async def echo():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: Echo(done), local_addr=("127.0.0.1", 0))
    print("PORT", transport.get_extra_info("sockname")[1], flush=True)
    await asyncio.wait_for(done, 30)
    transport.close()
    print("echoed", protocol.count, flush=True)


async def client(port):
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        Client, remote_addr=("127.0.0.1", port))
    got = 0
    for i in range(100):
        message = f"datagram {i} ✓".encode()
        for _ in range(5):
            transport.sendto(message)
            try:
                reply = await asyncio.wait_for(protocol.queue.get(), 0.5)
            except asyncio.TimeoutError:
                continue
            if reply != message:
                raise SystemExit(f"echo of {message!r}: got {reply!r}")
            got += 1
            break
    transport.sendto(b"bye")
    transport.close()
    print("ok", got, flush=True)


if __name__ == "__main__":
    asyncio.run(echo() if sys.argv[1] == "echo" else client(int(sys.argv[2])))
