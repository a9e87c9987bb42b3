package io.fgbg;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The TLS layer: asyncio's {@code SSLProtocol} (sslproto.py). One side is the {@link Protocol} of
 * the transport below (a socket), which feeds it ciphertext; the other side is the {@link
 * Transport} of the protocol above (the stream's {@link StreamProtocol}), which writes plaintext to
 * it. An {@link SSLEngine} sits between. Because both sides are the interfaces the plain path
 * uses, the reader and writer keep their limits, drain and end-of-stream behaviour over TLS, and
 * {@code startTls} puts the layer in place on an open connection.
 *
 * <p>States (asyncio's {@code SSLProtocolState}):
 *
 * <table>
 *   <caption>states</caption>
 *   <tr><th>state</th><th>asyncio</th><th>what happens</th><th>next</th></tr>
 *   <tr><td>HANDSHAKING</td><td>DO_HANDSHAKE</td><td>handshake records in and out; plaintext
 *       written waits in the backlog; the 60 s timer runs</td><td>OPEN, CLOSED</td></tr>
 *   <tr><td>OPEN</td><td>WRAPPED</td><td>records in are decrypted for the reader, plaintext out
 *       is encrypted at once</td><td>SHUTDOWN, CLOSED</td></tr>
 *   <tr><td>SHUTDOWN</td><td>FLUSHING, SHUTDOWN</td><td>close_notify sent, the socket closes
 *       once it is out; what arrives is dropped</td><td>CLOSED</td></tr>
 *   <tr><td>CLOSED</td><td>UNWRAPPED</td><td>the socket is gone (or going, after a failure):
 *       writes are dropped</td><td>(end)</td></tr>
 * </table>
 *
 * <p>Differences from asyncio: closing does not wait for the peer's close_notify (the socket closes
 * once ours is sent, as a plain close does once the buffer is sent); a peer that asks for a
 * renegotiation on TLS 1.2 ends the connection with an {@link SSLException} (TLS 1.3's key updates
 * and session tickets are fine).
 *
 * <p>Invariants: only the thread holding the loop's baton touches it, except {@link #isClosing}
 * and {@link #peerAddress} (a volatile flag, the transport's own answer). Memory stays bounded:
 * ciphertext in is at most one read of the socket past a record while the reader is paused (the
 * socket stops reading then), ciphertext out goes to the socket's buffer, whose flow control is
 * passed up to the writer, and plaintext written during the handshake counts towards that flow
 * control too.
 */
final class SSLProtocol implements Protocol, ProtocolTransport {
  /** asyncio's ssl_handshake_timeout. */
  static final long HANDSHAKE_TIMEOUT_NANOS = 60_000_000_000L;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private enum State {
    HANDSHAKING,
    OPEN,
    SHUTDOWN,
    CLOSED
  }

  private final EventLoop loop;
  private final ProtocolTransport below;
  private final SSLEngine engine;
  private Protocol above;
  private final LoopFuture<Void> handshake;
  private final long handshakeTimeoutNanos;
  private TimerHandle handshakeTimer;
  private State state = State.HANDSHAKING;

  /** Ciphertext received and not decrypted yet: [0, position), between calls. */
  private ByteBuffer netIn;
  /** Ciphertext made and not handed to the transport below yet: [0, position). */
  private ByteBuffer netOut;
  /** Plaintext decrypted and not handed up yet: [0, position). */
  private ByteBuffer appIn;
  /** Plaintext written before the handshake finished (asyncio's _write_backlog). */
  private final ArrayDeque<ByteBuffer> backlog = new ArrayDeque<>();
  private long backlogBytes;
  private boolean backlogHigh;

  private boolean aboveReadingPaused;
  private boolean belowWritingPaused;
  private boolean aboveWritingPaused;
  private boolean eofPending; // the peer ended the stream while the reader was paused
  private boolean readScheduled;
  /** Why this layer ended the connection; handed up with connectionLost. */
  private IOException failure;
  /** close() or abort() was called, or the connection ended. Baton holder writes; any reads. */
  private volatile boolean closing;

  SSLProtocol(
      EventLoop loop,
      ProtocolTransport below,
      SSLEngine engine,
      Protocol above,
      long handshakeTimeoutNanos) {
    this.loop = loop;
    this.below = below;
    this.engine = engine;
    this.above = above;
    this.handshakeTimeoutNanos = handshakeTimeoutNanos;
    this.handshake = new LoopFuture<>(loop, "TLS handshake with " + below.name());
    int packet = engine.getSession().getPacketBufferSize();
    int application = engine.getSession().getApplicationBufferSize();
    netIn = ByteBuffer.allocate(packet);
    netOut = ByteBuffer.allocate(4 * packet);
    appIn = ByteBuffer.allocate(4 * application);
  }

  /** asyncio's connection_made: starts the handshake (the client's first flight) and its timer. */
  void start() {
    below.resumeReading(); // the handshake must read, whatever the reader's state
    handshakeTimer =
        loop.callLaterOnLoop(
            handshakeTimeoutNanos,
            () -> {
              if (state == State.HANDSHAKING) {
                failure = new SSLException(timeoutMessage(handshakeTimeoutNanos));
                failHandshake(failure);
                state = State.CLOSED;
                closing = true;
                below.abort();
              }
            });
    try {
      engine.beginHandshake();
    } catch (SSLException e) {
      fatal(e);
      return;
    }
    process(EMPTY);
  }

  /** asyncio's message for a handshake that took too long. */
  static String timeoutMessage(long nanos) {
    return String.format(
        Locale.ROOT,
        "SSL handshake is taking longer than %s seconds: aborting the connection",
        nanos / 1e9);
  }

  /** Suspends {@code task} until the handshake is done; throws its {@link SSLException}. */
  void awaitHandshake(CoroutineTask<?> task) throws Exception {
    task.await(handshake);
  }

  /** The handshake's failure, once it failed; else null. */
  Throwable handshakeFailure() {
    return handshake.failureNow();
  }

  /** The engine, for a session's details (tests read the protocol version). */
  SSLEngine engine() {
    return engine;
  }

  // ---- Protocol: what the transport below feeds

  @Override
  public void dataReceived(ByteBuffer data) {
    if (state != State.HANDSHAKING && state != State.OPEN) {
      return; // closing: what arrives is dropped
    }
    if (netIn.position() == 0 && !aboveReadingPaused) {
      process(data); // straight from the socket's buffer: no copy of whole records
      if (data.hasRemaining()) {
        keep(data);
      }
    } else {
      keep(data);
      processKept();
    }
  }

  @Override
  public void eofReceived() {
    if (state == State.HANDSHAKING) {
      fatal(new SSLHandshakeException("Remote host terminated the handshake"));
    } else if (state == State.OPEN) {
      if (aboveReadingPaused && netIn.position() > 0) {
        eofPending = true; // the reader gets the rest first
      } else {
        endOfStream();
      }
    }
  }

  @Override
  public void connectionLost(IOException cause) {
    boolean wasHandshaking = state == State.HANDSHAKING;
    state = State.CLOSED;
    closing = true;
    cancelTimer();
    IOException reason = failure != null ? failure : cause;
    if (wasHandshaking) {
      SSLException e = reason instanceof SSLException s ? s : handshakeLost(reason);
      failHandshake(e);
      reason = e;
    }
    try {
      engine.closeInbound();
    } catch (SSLException ignored) {
      // the connection is gone: a missing close_notify changes nothing now
    }
    backlog.clear();
    backlogBytes = 0;
    above.connectionLost(reason);
  }

  @Override
  public void pauseWriting() {
    belowWritingPaused = true;
    updateAboveWriting();
  }

  @Override
  public void resumeWriting() {
    belowWritingPaused = false;
    updateAboveWriting();
  }

  // ---- Transport: what the stream above uses

  @Override
  public void pauseReading() {
    aboveReadingPaused = true;
    if (state == State.OPEN) {
      below.pauseReading();
    }
  }

  @Override
  public void resumeReading() {
    aboveReadingPaused = false;
    below.resumeReading();
    if ((netIn.position() > 0 || eofPending) && !readScheduled && state == State.OPEN) {
      readScheduled = true; // as asyncio: the kept records are decrypted in a callback of their own
      loop.callSoonOnLoop(this::readKept);
    }
  }

  @Override
  public void write(byte[] data, int off, int len) {
    if (len == 0) {
      return;
    }
    if (state == State.HANDSHAKING) {
      backlog.addLast(ByteBuffer.wrap(Arrays.copyOfRange(data, off, off + len)));
      backlogBytes += len;
      updateAboveWriting();
    } else if (state == State.OPEN) {
      encrypt(ByteBuffer.wrap(data, off, len));
      flush();
    }
    // closing or closed: dropped, as the socket drops what is written once lost
  }

  /** Sends close_notify once what was written is out, then closes the socket. Again: nothing. */
  @Override
  public void close() {
    closing = true;
    if (state == State.HANDSHAKING) {
      abort(); // as asyncio: a handshake is not finished for the sake of a close
    } else if (state == State.OPEN) {
      shutdown();
    }
  }

  @Override
  public void abort() {
    closing = true;
    if (state == State.HANDSHAKING) {
      if (failure == null) {
        failure = new SSLHandshakeException("the connection was closed during the TLS handshake");
      }
      failHandshake(failure);
    }
    if (state != State.CLOSED) {
      state = State.CLOSED;
      backlog.clear();
      below.abort();
    }
  }

  @Override
  public boolean isClosing() {
    return closing || below.isClosing();
  }

  @Override
  public InetSocketAddress peerAddress() {
    return below.peerAddress();
  }

  @Override
  public String name() {
    return below.name();
  }

  @Override
  public Protocol protocol() {
    return above;
  }

  @Override
  public void setProtocol(Protocol protocol) {
    above = protocol;
  }

  // ---- the engine

  /** Appends {@code data} to the ciphertext kept for later. */
  private void keep(ByteBuffer data) {
    if (netIn.remaining() < data.remaining()) {
      ByteBuffer bigger =
          ByteBuffer.allocate(Math.max(2 * netIn.capacity(), netIn.position() + data.remaining()));
      netIn.flip();
      bigger.put(netIn);
      netIn = bigger;
    }
    netIn.put(data);
  }

  private void processKept() {
    netIn.flip();
    try {
      process(netIn);
    } finally {
      netIn.compact();
    }
    int packet = engine.getSession().getPacketBufferSize();
    if (netIn.position() == 0 && netIn.capacity() > 4 * packet) {
      netIn = ByteBuffer.allocate(packet); // a grown buffer goes once empty
    }
  }

  /** The reader resumed: decrypts what was kept meanwhile, then an end of stream that waited. */
  private void readKept() {
    readScheduled = false;
    if (state != State.OPEN || aboveReadingPaused) {
      return;
    }
    if (netIn.position() > 0) {
      processKept();
    }
    if (eofPending && state == State.OPEN && !aboveReadingPaused) {
      eofPending = false;
      endOfStream();
    }
  }

  /**
   * Runs the engine on the ciphertext {@code src} (consumed as far as whole records go): the
   * handshake while it lasts, then decryption for the reader until it pauses.
   */
  private void process(ByteBuffer src) {
    try {
      while (state == State.HANDSHAKING) {
        if (!handshakeStep(src)) {
          return;
        }
      }
      if (state == State.OPEN) {
        decrypt(src);
      }
    } catch (SSLException e) {
      fatal(e);
    } finally {
      flush();
    }
  }

  /** One step of the handshake; false when it needs more ciphertext from the peer. */
  private boolean handshakeStep(ByteBuffer src) throws SSLException {
    HandshakeStatus status = engine.getHandshakeStatus();
    switch (status) {
      case NEED_TASK -> runTasks();
      case NEED_WRAP -> {
        SSLEngineResult r = wrap(EMPTY);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          throw new SSLHandshakeException("the TLS engine closed during the handshake");
        }
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
          handshakeDone();
        }
      }
      case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
        SSLEngineResult r = unwrap(src);
        switch (r.getStatus()) {
          case BUFFER_UNDERFLOW -> {
            return false;
          }
          case CLOSED -> throw new SSLHandshakeException("Remote host terminated the handshake");
          default -> {}
        }
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
          handshakeDone();
        }
      }
      case FINISHED, NOT_HANDSHAKING -> handshakeDone();
    }
    return true;
  }

  private void handshakeDone() throws SSLException {
    state = State.OPEN;
    cancelTimer();
    handshake.setResultIfPending(null);
    afterHandshake(engine.getHandshakeStatus()); // a TLS 1.3 server's session ticket, say
    while (!backlog.isEmpty() && state == State.OPEN) {
      encrypt(backlog.pollFirst());
    }
    backlog.clear();
    backlogBytes = 0;
    updateAboveWriting();
    if (aboveReadingPaused) {
      below.pauseReading();
    }
  }

  /** Decrypts whole records of {@code src} for the reader, until it pauses or a record is cut. */
  private void decrypt(ByteBuffer src) throws SSLException {
    try {
      while (state == State.OPEN && !aboveReadingPaused && src.hasRemaining()) {
        int application = engine.getSession().getApplicationBufferSize();
        if (appIn.remaining() < application) {
          deliver();
          if (appIn.capacity() < application) {
            appIn = ByteBuffer.allocate(application);
          }
        }
        SSLEngineResult r = unwrap(src);
        switch (r.getStatus()) {
          case BUFFER_UNDERFLOW -> {
            return;
          }
          case BUFFER_OVERFLOW -> {
            boolean wasEmpty = appIn.position() == 0;
            deliver();
            if (wasEmpty) { // the record is larger than the session said: make room for it
              appIn = ByteBuffer.allocate(Math.max(2 * appIn.capacity(), 2 * application));
            }
            continue;
          }
          case CLOSED -> { // close_notify
            deliver();
            endOfStream();
            return;
          }
          case OK -> {}
        }
        afterHandshake(r.getHandshakeStatus());
      }
    } finally {
      deliver();
    }
  }

  /**
   * What the engine asks for once the handshake is done: TLS 1.3's key updates and tickets are
   * answered; a TLS 1.2 renegotiation is refused.
   */
  private void afterHandshake(HandshakeStatus status) throws SSLException {
    if (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED) {
      return;
    }
    if (!"TLSv1.3".equals(engine.getSession().getProtocol())) {
      throw new SSLException(
          "TLS renegotiation is not supported: the peer " + below.name() + " asked for one");
    }
    for (; ; ) {
      HandshakeStatus now = engine.getHandshakeStatus();
      if (now == HandshakeStatus.NEED_TASK) {
        runTasks();
      } else if (now == HandshakeStatus.NEED_WRAP) {
        if (wrap(EMPTY).getStatus() == SSLEngineResult.Status.CLOSED) {
          return;
        }
      } else {
        return;
      }
    }
  }

  /** Hands what was decrypted to the protocol above. */
  private void deliver() {
    if (appIn.position() > 0) {
      appIn.flip();
      try {
        above.dataReceived(appIn);
      } finally {
        appIn.clear();
      }
    }
  }

  /** Encrypts all of {@code src} into records for the transport below. */
  private void encrypt(ByteBuffer src) {
    try {
      while (src.hasRemaining() && state == State.OPEN) {
        SSLEngineResult r = wrap(src);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          return;
        }
        afterHandshake(r.getHandshakeStatus());
      }
    } catch (SSLException e) {
      fatal(e);
    }
  }

  /** The peer ended the stream (close_notify, or a bare end of the socket): as asyncio, then close. */
  private void endOfStream() {
    above.eofReceived();
    if (state == State.OPEN) {
      shutdown();
    }
  }

  /** Sends close_notify after what was written, then closes the transport below. */
  private void shutdown() {
    state = State.SHUTDOWN;
    closing = true;
    engine.closeOutbound();
    try {
      for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
        wrap(EMPTY);
      }
    } catch (SSLException e) {
      // the close_notify could not be made: the socket closes without it
    }
    flush();
    below.close();
  }

  /** Ends the connection with {@code e}: sends the alert the engine has for the peer, then closes. */
  private void fatal(SSLException e) {
    if (state == State.CLOSED) {
      return;
    }
    if (failure == null) {
      failure = e;
    }
    boolean wasHandshaking = state == State.HANDSHAKING;
    state = State.CLOSED;
    closing = true;
    cancelTimer();
    if (wasHandshaking) {
      failHandshake(failure);
    }
    backlog.clear();
    backlogBytes = 0;
    try { // the alert, such as certificate_unknown, tells the peer why
      engine.closeOutbound();
      for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
        wrap(EMPTY);
      }
    } catch (SSLException | RuntimeException ignored) {
      // no alert, then: the socket closes without one
    }
    flush();
    below.close();
  }

  private void failHandshake(Throwable e) {
    cancelTimer();
    if (!handshake.isDone()) {
      handshake.setException(e);
    }
  }

  private static SSLException handshakeLost(IOException cause) {
    SSLHandshakeException e = new SSLHandshakeException("Remote host terminated the handshake");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private void cancelTimer() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel();
      handshakeTimer = null;
    }
  }

  private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
    for (; ; ) {
      int packet = engine.getSession().getPacketBufferSize();
      if (netOut.remaining() < packet) {
        flush();
        if (netOut.capacity() < packet) {
          netOut = ByteBuffer.allocate(packet);
        }
      }
      SSLEngineResult r = engine.wrap(src, netOut);
      if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
        return r;
      }
      flush();
      netOut = ByteBuffer.allocate(Math.max(2 * netOut.capacity(), packet));
    }
  }

  private SSLEngineResult unwrap(ByteBuffer src) throws SSLException {
    SSLEngineResult r = engine.unwrap(src, appIn);
    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && state == State.HANDSHAKING) {
      // application data arrived with the last handshake records: keep it for the reader
      ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() + engine.getSession().getApplicationBufferSize());
      appIn.flip();
      bigger.put(appIn);
      appIn = bigger;
      r = engine.unwrap(src, appIn);
    }
    return r;
  }

  private void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run(); // inline, as asyncio's do_handshake: certificate checks and key agreement
    }
  }

  /** Hands the ciphertext made so far to the transport below. */
  private void flush() {
    if (netOut.position() > 0) {
      byte[] out = netOut.array();
      int n = netOut.position();
      netOut.clear();
      below.write(out, 0, n); // the socket sends it at once or copies what it cannot
    }
  }

  /** The writer above pauses while the socket's buffer or the handshake's backlog is full. */
  private void updateAboveWriting() {
    if (backlogBytes > HIGH_WATER) {
      backlogHigh = true;
    } else if (backlogBytes <= LOW_WATER) {
      backlogHigh = false;
    }
    boolean pause = belowWritingPaused || backlogHigh;
    if (pause && !aboveWritingPaused) {
      aboveWritingPaused = true;
      above.pauseWriting();
    } else if (!pause && aboveWritingPaused) {
      aboveWritingPaused = false;
      above.resumeWriting();
    }
  }

  @Override
  public String toString() {
    return "SSLProtocol[" + below.name() + ", " + state.name().toLowerCase(Locale.ROOT)
        + (state == State.OPEN ? ", " + engine.getSession().getProtocol() : "") + "]";
  }
}
