package io.fgbg;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A connected, non-blocking socket on the loop's selector: asyncio's {@code
 * _SelectorSocketTransport}. It hands whatever arrives to its {@link Protocol} (a {@link
 * StreamProtocol}, or the TLS layer in front of one), sends what is written (at once when the
 * socket takes it, else from a buffer as the socket drains), and closes the socket once the buffer
 * is sent. A TCP socket or a Unix domain socket alike; a Unix one has no peer address.
 *
 * <p>Invariants: only the thread holding the loop's baton touches it. The selector watches for
 * reading while {@link #isReading()}, and for writing while bytes are buffered. {@code lost} is set
 * once {@link #connectionLost} is scheduled: from then on writes are dropped. {@code protocol} is
 * set before the first readiness can run, and replaced only by {@code startTls}. {@code closing}
 * is the one field other threads read ({@link StreamWriter#isClosing}): volatile, written only by
 * the baton holder.
 *
 * <p>The plain path costs what it did before the protocol seam: the bytes read go from the
 * selector's read buffer to the reader's array in one copy ({@link StreamProtocol#dataReceived}),
 * and a write goes to the socket from the caller's array.
 */
final class SocketTransport implements ProtocolTransport, Runnable {

  private final EventLoop loop;
  private final SelectorEvents io;
  private final SocketChannel channel;
  private final SelectionKey key;
  private final InetSocketAddress peer;
  private final String name;
  private Protocol protocol;
  /** Told once the socket is closed (a server keeps its open connections with it); may be null. */
  private final Consumer<SocketTransport> onClosed;

  private final ArrayDeque<ByteBuffer> buffer = new ArrayDeque<>();
  private long buffered;
  /** close() was called or the connection failed: no more reading. Baton holder writes; any reads. */
  private volatile boolean closing;
  private boolean lost; // connectionLost is scheduled or done: writes are dropped
  private boolean readingPaused;
  private boolean eofReceived;
  private boolean writingPaused;
  private int interest;

  /**
   * Takes over {@code channel}, connected and non-blocking, with {@code key} if it is registered
   * already (a client's connect), and starts reading: the caller sets the protocol with {@link
   * #setProtocol} before it returns to the loop.
   */
  SocketTransport(
      EventLoop loop, SocketChannel channel, SelectionKey key, Consumer<SocketTransport> onClosed)
      throws IOException {
    this.loop = loop;
    this.io = Streams.selector(loop); // the first socket opens it: an IOException if it cannot
    this.channel = channel;
    SocketAddress remote = channel.getRemoteAddress();
    if (remote instanceof InetSocketAddress inet) {
      this.peer = inet;
      this.name = String.valueOf(inet);
    } else { // a Unix socket: an accepted one's peer is unnamed, so it is named after the server's
      this.peer = null;
      SocketAddress local = channel.getLocalAddress();
      String path = remote instanceof UnixDomainSocketAddress u ? u.getPath().toString() : "";
      if (path.isEmpty() && local instanceof UnixDomainSocketAddress u) {
        path = u.getPath().toString();
      }
      this.name = "unix:" + path;
    }
    this.onClosed = onClosed;
    interest = SelectionKey.OP_READ;
    if (key == null) {
      this.key = io.register(channel, interest, this); // ClosedChannelException: not served
    } else {
      this.key = key;
      key.attach(this);
      key.interestOps(interest);
    }
  }

  /** A plain stream over a new transport of {@code channel}: its reader and writer. */
  static StreamProtocol stream(
      EventLoop loop,
      SocketChannel channel,
      SelectionKey key,
      int limit,
      boolean serverSide,
      Consumer<SocketTransport> onClosed)
      throws IOException {
    SocketTransport transport = new SocketTransport(loop, channel, key, onClosed);
    StreamProtocol stream = new StreamProtocol(loop, transport, limit, serverSide);
    transport.protocol = stream;
    return stream;
  }

  @Override
  public Protocol protocol() {
    return protocol;
  }

  @Override
  public void setProtocol(Protocol protocol) {
    this.protocol = protocol;
  }

  @Override
  public InetSocketAddress peerAddress() {
    return peer;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isClosing() {
    return closing;
  }

  private boolean isReading() {
    return !closing && !readingPaused && !eofReceived;
  }

  @Override
  public void pauseReading() {
    readingPaused = true;
    updateInterest();
  }

  @Override
  public void resumeReading() {
    readingPaused = false;
    updateInterest();
  }

  private void updateInterest() {
    int ops = (isReading() ? SelectionKey.OP_READ : 0) | (buffered > 0 ? SelectionKey.OP_WRITE : 0);
    if (ops != interest && key.isValid()) {
      interest = ops;
      key.interestOps(ops);
    }
  }

  /** The socket is ready: reads, then writes, as asyncio handles a ready descriptor. */
  @Override
  public void run() {
    if (!key.isValid()) {
      return;
    }
    int ready = key.readyOps();
    if ((ready & SelectionKey.OP_READ) != 0 && isReading()) {
      readReady();
    }
    if ((ready & SelectionKey.OP_WRITE) != 0 && buffered > 0 && !lost) {
      writeReady();
    }
  }

  private void readReady() {
    ByteBuffer in = io.readBuffer;
    in.clear();
    int n;
    try {
      n = channel.read(in);
    } catch (IOException e) {
      forceClose(e);
      return;
    }
    if (n > 0) {
      in.flip();
      protocol.dataReceived(in);
    } else if (n < 0) {
      eofReceived = true; // the peer will send no more; writing may go on (a half-close)
      updateInterest();
      protocol.eofReceived();
    }
  }

  /** Sends {@code data[off, off+len)}: at once what the socket takes, the rest from the buffer. */
  @Override
  public void write(byte[] data, int off, int len) {
    if (lost || len == 0) {
      return;
    }
    if (buffered == 0) {
      try {
        int sent = channel.write(ByteBuffer.wrap(data, off, len));
        off += sent;
        len -= sent;
      } catch (IOException e) {
        forceClose(e);
        return;
      }
      if (len == 0) {
        return;
      }
    }
    buffer.addLast(ByteBuffer.wrap(Arrays.copyOfRange(data, off, off + len)));
    buffered += len;
    updateInterest();
    if (!writingPaused && buffered > HIGH_WATER) {
      writingPaused = true;
      protocol.pauseWriting();
    }
  }

  private void writeReady() {
    try {
      long sent =
          buffer.size() == 1
              ? channel.write(buffer.peekFirst())
              : channel.write(buffer.toArray(new ByteBuffer[0]));
      buffered -= sent;
    } catch (IOException e) {
      forceClose(e);
      return;
    }
    while (!buffer.isEmpty() && !buffer.peekFirst().hasRemaining()) {
      buffer.pollFirst();
    }
    if (writingPaused && buffered <= LOW_WATER) {
      writingPaused = false;
      protocol.resumeWriting();
    }
    if (buffered == 0) {
      updateInterest();
      if (closing) {
        connectionLost(null);
      }
    }
  }

  /** Stops reading; closes the socket once the buffer is sent. Again: nothing. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    updateInterest();
    if (buffered == 0) {
      lost = true;
      loop.callSoonOnLoop(() -> connectionLost(null));
    }
  }

  /** Drops what is buffered and closes now: the reader sees the end of the stream. */
  @Override
  public void abort() {
    forceClose(null);
  }

  /** The connection failed (or is aborted, {@code failure} null): drops the buffer, and tells the reader and writer one hop later. */
  private void forceClose(IOException failure) {
    if (lost) {
      return;
    }
    buffer.clear();
    buffered = 0;
    closing = true;
    lost = true;
    updateInterest();
    loop.callSoonOnLoop(() -> connectionLost(failure));
  }

  private void connectionLost(IOException failure) {
    lost = true;
    try {
      protocol.connectionLost(failure);
    } finally {
      io.release(key);
      if (onClosed != null) {
        onClosed.accept(this);
      }
    }
  }

  @Override
  public String toString() {
    return "SocketTransport[" + name + (closing ? ", closing" : "") + ", " + buffered
        + " bytes to send]";
  }
}
