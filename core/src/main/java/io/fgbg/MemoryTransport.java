package io.fgbg;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One endpoint of a connection of a {@link MemoryNetwork}: what a {@link SocketTransport} is to a
 * socket, with a {@link MemoryLink} each way in place of the kernel and the wire. It feeds its
 * {@link LoopStreamReader} from the incoming link and sends what its {@link LoopStreamWriter}
 * writes into the outgoing one: at once what the link's window takes, the rest from its own buffer
 * as the peer reads; that buffer is what pauses the writer at {@link #HIGH_WATER}.
 *
 * <p>It ends as a socket does on Linux, as the JDK reports it: a close sends the end of the stream
 * after what was written, or a reset instead if data had arrived that was never read; data that
 * reaches an endpoint closed already is answered with a reset; a reset that arrives while the
 * endpoint reads fails its reader with {@code SocketException("Connection reset")}, and one that
 * arrives while it does not read (after the end of the stream) fails its next write with {@code
 * IOException("Broken pipe")}.
 *
 * <p>Invariants: only the thread holding the loop's baton touches it. {@code lost} is set once
 * {@link #connectionLost} is scheduled: from then on writes are dropped; {@code released} once it
 * has run (the socket is closed). {@code closing} is the one field other threads read ({@link
 * StreamWriter#isClosing}): volatile, written only by the baton holder.
 */
final class MemoryTransport implements Transport {
  private final EventLoop loop;
  private final MemoryNetwork network;
  private final InetSocketAddress peer;
  private final String name;
  final LoopStreamReader reader;
  final LoopStreamWriter writer;

  /** Told once the endpoint is closed (a server keeps its open connections); may be null. */
  private final Consumer<MemoryTransport> onClosed;

  private MemoryLink out;
  private MemoryLink in;
  private MemoryTransport other;

  private final ArrayDeque<ByteBuffer> buffer = new ArrayDeque<>();
  private long buffered;

  /** close() was called or the connection failed: no more reading. Baton holder writes. */
  private volatile boolean closing;

  private boolean lost;
  private boolean released;
  private boolean readingPaused;
  private boolean eofReceived;
  private boolean writingPaused;

  /** A reset has arrived while the endpoint did not read: its next write fails. */
  private boolean resetPending;

  /** This endpoint has sent a reset, or has been reset: arrivals are dropped without an answer. */
  private boolean resetDone;

  /** Bytes to send before the reset of {@link MemoryNetwork#resetAfter}; -1: none. */
  private long resetAfter = -1;

  private MemoryTransport(
      EventLoop loop,
      MemoryNetwork network,
      InetSocketAddress peer,
      int limit,
      Consumer<MemoryTransport> onClosed) {
    this.loop = loop;
    this.network = network;
    this.peer = peer;
    this.name = String.valueOf(peer);
    this.onClosed = onClosed;
    this.reader = new LoopStreamReader(loop, limit);
    this.writer = new LoopStreamWriter(loop, this, reader);
    reader.setTransport(this, name);
  }

  /**
   * A new connection: the client's endpoint, whose {@link #peerTransport()} is the server's. Baton
   * holder only.
   *
   * @param clientAddress the client's address, as the server sees it
   * @param serverAddress the server's address, as the client sees it
   * @param onServerClosed told when the server's endpoint is closed
   */
  static MemoryTransport connect(
      EventLoop loop,
      MemoryNetwork network,
      InetSocketAddress clientAddress,
      InetSocketAddress serverAddress,
      int clientLimit,
      int serverLimit,
      Consumer<MemoryTransport> onServerClosed) {
    MemoryTransport client = new MemoryTransport(loop, network, serverAddress, clientLimit, null);
    MemoryTransport server =
        new MemoryTransport(loop, network, clientAddress, serverLimit, onServerClosed);
    MemoryLink up = new MemoryLink(network, loop, true);
    MemoryLink down = new MemoryLink(network, loop, false);
    up.connect(client, server);
    down.connect(server, client);
    client.out = up;
    client.in = down;
    client.other = server;
    server.out = down;
    server.in = up;
    server.other = client;
    return client;
  }

  /** The other endpoint of the connection. */
  MemoryTransport peerTransport() {
    return other;
  }

  boolean isReleased() {
    return released;
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

  /** As a socket's: not after close, while the reader is full, or after the end of the stream. */
  boolean isReading() {
    return !closing && !readingPaused && !eofReceived;
  }

  /** The endpoint is closed: what arrives is dropped (and answered with a reset). */
  boolean dropsArrivals() {
    return released;
  }

  /** Whether an arrived end of stream can be taken now: not while the reader is full. */
  boolean takesEnd() {
    return !readingPaused || closing;
  }

  @Override
  public void pauseReading() {
    readingPaused = true;
  }

  @Override
  public void resumeReading() {
    readingPaused = false;
    in.schedule();
  }

  @Override
  public void write(byte[] data, int off, int len) {
    if (lost || len == 0) {
      return;
    }
    if (resetPending) { // the kernel knows the peer is gone: EPIPE, as the JDK reports it
      forceClose(new IOException("Broken pipe"));
      return;
    }
    buffer.addLast(ByteBuffer.wrap(Arrays.copyOfRange(data, off, off + len)));
    buffered += len;
    pump();
    if (!lost && !writingPaused && buffered > HIGH_WATER) {
      writingPaused = true;
      writer.pauseWriting();
    }
  }

  /** Moves what the window takes from the buffer into the link; resumes and closes as it goes. */
  private void pump() {
    while (!lost && !buffer.isEmpty() && out.room() > 0) {
      ByteBuffer head = buffer.peekFirst();
      int n = Math.min(head.remaining(), out.room());
      if (resetAfter >= 0) {
        n = (int) Math.min(n, resetAfter);
      }
      out.sendData(head.slice(head.position(), n));
      head.position(head.position() + n);
      buffered -= n;
      if (!head.hasRemaining()) {
        buffer.pollFirst();
      }
      if (resetAfter > 0 && (resetAfter -= n) == 0) {
        resetHere();
        return;
      }
    }
    if (lost) {
      return;
    }
    if (writingPaused && buffered <= LOW_WATER) {
      writingPaused = false;
      writer.resumeWriting();
    }
    if (closing && buffered == 0) {
      lost = true;
      loop.callSoonOnLoop(() -> connectionLost(null));
    }
  }

  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    if (buffered == 0 && !lost) {
      lost = true;
      loop.callSoonOnLoop(() -> connectionLost(null));
    }
  }

  @Override
  public void abort() {
    forceClose(null);
  }

  /**
   * The connection failed (or is aborted, {@code failure} null): drops the buffer, and tells the
   * reader and writer one hop later.
   */
  private void forceClose(IOException failure) {
    if (lost) {
      return;
    }
    buffer.clear();
    buffered = 0;
    closing = true;
    lost = true;
    if (failure != null) {
      resetDone = true;
    }
    loop.callSoonOnLoop(() -> connectionLost(failure));
  }

  private void connectionLost(IOException failure) {
    lost = true;
    try {
      if (failure == null) {
        reader.feedEof();
      } else {
        reader.setException(failure);
      }
      writer.connectionLost(failure);
    } finally {
      release(failure == null);
    }
  }

  /** The socket is closed: FIN after what is in flight, or RST if data arrived unread. */
  private void release(boolean orderly) {
    released = true;
    if (orderly && !resetDone) {
      if (in.hasArrivedData()) {
        sendReset();
      } else {
        out.sendFin();
      }
    }
    in.schedule(); // what arrives from now on is dropped
    network.released(this);
    if (onClosed != null) {
      onClosed.accept(this);
    }
  }

  private void sendReset() {
    resetDone = true;
    out.sendRst();
  }

  // ---- from the links and the network

  /** Data the peer sent: one read's worth. */
  void received(ByteBuffer data) {
    reader.feed(data);
  }

  /** The link took data from this endpoint's window: more of the buffer can go. */
  void windowOpened() {
    pump();
  }

  /** The peer's end of the stream. */
  void endArrived() {
    if (closing || eofReceived) {
      return;
    }
    eofReceived = true; // the peer will send no more; writing may go on (a half-close)
    reader.feedEof();
  }

  /** Data reached this closed endpoint: its kernel answers with a reset, once. */
  void dataArrivedAfterClose() {
    if (!resetDone) {
      sendReset();
    }
  }

  /** A reset from the peer has arrived (data sent before it may still wait for the reader). */
  void resetArrived() {
    if (lost) {
      return;
    }
    resetDone = true;
    resetPending = true; // a write from now on fails
    if (!isReading() && buffered > 0) { // the socket is being written to, not read: EPIPE
      forceClose(new IOException("Broken pipe"));
    } // a reader that reads gets "Connection reset" once it has read what came before
  }

  /** A reset from the peer reached a reader that reads (everything sent before it was read). */
  void resetTaken() {
    forceClose(new SocketException("Connection reset"));
  }

  /** {@link MemoryNetwork#reset}: both endpoints fail now, and nothing in flight arrives. */
  void resetConnection() {
    out.clear();
    in.clear();
    for (MemoryTransport t : new MemoryTransport[] {this, other}) {
      t.resetDone = true;
      t.forceClose(new SocketException("Connection reset"));
    }
  }

  /** {@link MemoryNetwork#resetAfter}: after {@code bytes} more bytes sent, a reset. */
  void resetAfter(long bytes) {
    if (lost) {
      return;
    }
    if (bytes == 0) {
      resetHere();
      return;
    }
    resetAfter = bytes;
    pump();
  }

  /** The reset of resetAfter: this end fails now, the peer once it has read what came before. */
  private void resetHere() {
    resetAfter = -1;
    sendReset();
    forceClose(new SocketException("Connection reset"));
  }

  @Override
  public String toString() {
    return "MemoryTransport["
        + name
        + (closing ? ", closing" : "")
        + ", "
        + buffered
        + " bytes to send]";
  }
}
