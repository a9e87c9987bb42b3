"""A CPython asyncio TLS peer for fgbg (TlsPythonPeersTest).

Usage:
  python3 tls_peer.py server CHAIN_PEM KEY_PEM [--tls12] [--starttls]
  python3 tls_peer.py client PORT CA_PEM HOST [--tls12] [--starttls]

The server listens on an ephemeral port of 127.0.0.1, prints "PORT <n>", serves ONE connection
and exits (after 30 s at most). The client connects to 127.0.0.1:PORT, checking the certificate
against HOST, runs the session below and prints "ok <what it saw>". --tls12 caps the version at
TLS 1.2; --starttls begins in the clear: the client sends "STARTTLS", the server answers "GO",
and both upgrade the connection in place with StreamWriter.start_tls.

The session speaks lines:
  send <n>   the server sends n bytes of the pattern i % 251
  sha <n>    the server reads exactly n bytes and answers with their SHA-256 in hex
  version    the server answers with the TLS version it negotiated
  bye        the server answers "bye" and closes the connection (close_notify)
  <other>    the server answers "echo: <other>"
"""

import asyncio
import hashlib
import ssl
import sys

MIB = 1 << 20


def pattern(n):
    return bytes(i % 251 for i in range(n))


def version_of(writer):
    obj = writer.get_extra_info("ssl_object")
    return obj.version() if obj is not None else "plain"


async def serve(chain, key, tls12, starttls):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    if tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    done = asyncio.get_running_loop().create_future()
    seen = []

    async def handle(reader, writer):
        try:
            if starttls:
                line = await reader.readline()
                if line != b"STARTTLS\n":
                    raise SystemExit(f"expected STARTTLS, got {line!r}")
                writer.write(b"GO\n")
                await writer.drain()
                await writer.start_tls(ctx)
            while True:
                line = await reader.readline()
                if not line:
                    break
                text = line.decode().rstrip("\n")
                seen.append(text.split(" ")[0])
                if text.startswith("send "):
                    writer.write(pattern(int(text[5:])))
                elif text.startswith("sha "):
                    data = await reader.readexactly(int(text[4:]))
                    writer.write((hashlib.sha256(data).hexdigest() + "\n").encode())
                elif text == "version":
                    writer.write((version_of(writer) + "\n").encode())
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

    server = await asyncio.start_server(
        handle, "127.0.0.1", 0, ssl=None if starttls else ctx)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await asyncio.wait_for(done, 30)
    print("served", " ".join(seen), flush=True)


async def client(port, ca, host, tls12, starttls):
    ctx = ssl.create_default_context(cafile=ca)
    if tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if starttls:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"STARTTLS\n")
        go = await reader.readline()
        if go != b"GO\n":
            raise SystemExit(f"expected GO, got {go!r}")
        await writer.start_tls(ctx, server_hostname=host)
    else:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=ctx, server_hostname=host)
    out = []
    writer.write("héllo ✓\n".encode())
    out.append((await reader.readline()).decode().rstrip("\n"))

    upload = bytes((7 + i) % 251 for i in range(MIB))
    writer.write(f"sha {MIB}\n".encode())
    writer.write(upload)
    await writer.drain()
    answer = (await reader.readline()).decode().rstrip("\n")
    out.append("upload " + ("ok" if answer == hashlib.sha256(upload).hexdigest() else answer))

    writer.write(f"send {MIB}\n".encode())
    data = await reader.readexactly(MIB)
    out.append("download " + ("ok" if data == pattern(MIB) else "differs"))

    writer.write(b"version\n")
    out.append((await reader.readline()).decode().rstrip("\n"))
    out.append("client " + version_of(writer))

    writer.write(b"bye\n")
    out.append((await reader.readline()).decode().rstrip("\n"))
    rest = await reader.read()
    out.append("eof" if rest == b"" else f"more {rest[:20]!r}")
    writer.close()
    try:
        await writer.wait_closed()
    except (ConnectionError, ssl.SSLError):
        pass
    print("ok", " | ".join(out), flush=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tls12 = "--tls12" in sys.argv
    starttls = "--starttls" in sys.argv
    if args[0] == "server":
        asyncio.run(serve(args[1], args[2], tls12, starttls))
    else:
        try:
            asyncio.run(asyncio.wait_for(
                client(int(args[1]), args[2], args[3], tls12, starttls), 30))
        except ssl.SSLCertVerificationError as e:
            print("refused", e.verify_message, flush=True)
