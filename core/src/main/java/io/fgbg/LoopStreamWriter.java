package io.fgbg;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Objects;

/**
 * fgbg's {@link StreamWriter}: asyncio's {@code StreamWriter} with the flow control of its
 * protocol ({@code FlowControlMixin}): a drain waits while the transport's buffer is over its
 * high-water mark.
 *
 * <p>Invariants: only the thread holding the loop's baton touches its state; the public methods
 * take the baton (or refuse, if the loop runs in another thread), and refuse the tasks of other
 * loops before they touch anything. {@link #isClosing} and {@link #peerAddress} may be read from
 * any thread (a volatile flag of the transport, a final field). {@code transport} changes only on
 * the loop, when {@code startTls} puts the TLS layer under the writer (volatile: read anywhere).
 */
final class LoopStreamWriter implements StreamWriter {
  private final EventLoop loop;
  private volatile Transport transport; // replaced by startTls with the TLS layer; any thread reads
  private final LoopStreamReader reader;
  private final LoopFuture<Void> closed;
  private final ArrayList<LoopFuture<Void>> drainWaiters = new ArrayList<>(1);
  private boolean paused;
  private boolean connectionLost;
  private boolean closeCalled;

  /**
   * What {@link #drain()} returns: the same coroutine each time, as it keeps no state of its own
   * (each run looks at the writer afresh), instead of a new one for every write's drain.
   */
  private final Coroutine<Void> drain = this::drainNow;

  LoopStreamWriter(EventLoop loop, Transport transport, LoopStreamReader reader) {
    this.loop = loop;
    this.transport = transport;
    this.reader = reader;
    this.closed = new LoopFuture<>(loop, "close of " + transport.name());
  }

  @Override
  public void write(byte[] data) {
    Objects.requireNonNull(data, "data");
    send(data);
  }

  @Override
  public void write(String text) {
    Objects.requireNonNull(text, "text");
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  private void send(byte[] data) {
    Streams.checkLoop(loop, "write", this);
    if (loop.inLoop()) { // a task's write, the common case: no operation to wrap
      loop.checkOpen();
      sendOnLoop(data);
      return;
    }
    loop.onLoop(
        () -> {
          sendOnLoop(data);
          return null;
        });
  }

  private void sendOnLoop(byte[] data) {
    if (closeCalled) {
      throw new IllegalStateException("write() after close() of the writer to " + transport.name());
    }
    transport.write(data, 0, data.length);
  }

  @Override
  public Coroutine<Void> drain() {
    return drain;
  }

  private Void drainNow() throws Exception {
    CoroutineTask<?> task = Streams.requireTaskOf(loop, "drain", this);
    Throwable failure = reader.exception();
    if (failure != null) {
      throw Throwables.sneaky(failure);
    }
    if (transport.isClosing()) {
      task.yieldOnce(); // as asyncio: lets a pending connection loss come in first
    }
    if (connectionLost) {
      throw new SocketException("Connection lost");
    }
    if (!paused) {
      return null;
    }
    LoopFuture<Void> waiter = new LoopFuture<>(loop, "drain to ", transport.name());
    drainWaiters.add(waiter);
    try {
      task.await(waiter);
    } finally {
      drainWaiters.remove(waiter);
    }
    return null;
  }

  @Override
  public void close() {
    Streams.onLoop(
        loop,
        "close",
        this,
        () -> {
          closeCalled = true;
          transport.close();
        });
  }

  @Override
  public Coroutine<Void> waitClosed() {
    return () -> Streams.requireTaskOf(loop, "waitClosed", this).await(closed);
  }

  @Override
  public boolean isClosing() {
    return transport.isClosing();
  }

  @Override
  public InetSocketAddress peerAddress() {
    return transport.peerAddress();
  }

  /** What a refused call names: "the stream to /127.0.0.1:8888". */
  String describe() {
    return "the stream to " + transport.name();
  }

  @Override
  public String toString() {
    return "StreamWriter[" + transport.name() + (transport.isClosing() ? ", closing" : "") + "]";
  }

  /** The loop the writer belongs to. */
  EventLoop loop() {
    return loop;
  }

  /** What carries the bytes now. */
  Transport transport() {
    return transport;
  }

  /** startTls: the TLS layer carries the bytes from now on. */
  void setTransport(Transport replacement) {
    transport = replacement;
  }

  /** The reader of the same connection. */
  LoopStreamReader reader() {
    return reader;
  }

  // ---- from the transport

  void pauseWriting() {
    paused = true;
  }

  void resumeWriting() {
    paused = false;
    for (LoopFuture<Void> waiter : drainWaiters) {
      waiter.setResultIfPending(null);
    }
  }

  /** The socket is closed; {@code failure} is null if it was closed rather than lost. */
  void connectionLost(IOException failure) {
    connectionLost = true;
    if (paused) {
      for (LoopFuture<Void> waiter : drainWaiters) {
        if (!waiter.isDone()) {
          if (failure == null) {
            waiter.setResult(null);
          } else {
            waiter.setException(failure);
          }
        }
      }
    }
    if (failure == null) {
      closed.setResultIfPending(null);
    } else if (!closed.isDone()) {
      closed.setException(failure);
    }
  }
}
