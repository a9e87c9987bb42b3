package io.fgbg;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * fgbg's {@link StreamReader}: a port of asyncio's {@code StreamReader}, fed by a {@link
 * Transport}.
 *
 * <p>Invariants: only the thread holding the loop's baton touches it. The buffered bytes are
 * {@code buf[start, end)}. At most one task waits for data ({@code waiter}). While more than twice
 * the limit is buffered the transport does not read; it reads again once the buffer is down to
 * the limit, or as soon as a task waits for more (a {@code readExactly} larger than the limit).
 * Every read refuses a task of another loop before it touches the buffer.
 */
final class LoopStreamReader implements StreamReader {
  private static final int INITIAL_CAPACITY = 1024;

  /**
   * Every one-byte separator, made once: {@code readUntil} keeps its own copy of the separator
   * (the caller may change the array before the read runs), and a line's separator would
   * otherwise be copied on every read. Never written.
   */
  private static final byte[][] ONE_BYTE = new byte[256][];

  static {
    for (int b = 0; b < 256; b++) {
      ONE_BYTE[b] = new byte[] {(byte) b};
    }
  }

  private final EventLoop loop;
  private final int limit;
  private byte[] buf = new byte[INITIAL_CAPACITY];
  private int start;
  private int end;
  private boolean eof;
  private Throwable exception;
  private LoopFuture<Void> waiter;
  private Transport transport;
  private boolean paused;
  private String description = "stream";
  /** " from " and the description: the second half of every waiter's, made once. */
  private String fromDescription = " from stream";
  /** What {@link #readLine()} returns: one coroutine, as it keeps no state of its own. */
  private final Coroutine<String> readLine = this::readLineNow;

  LoopStreamReader(EventLoop loop, int limit) {
    this.loop = loop;
    this.limit = limit;
  }

  void setTransport(Transport transport, String description) {
    this.transport = transport;
    this.description = description;
    this.fromDescription = " from " + description;
  }

  // ---- fed by the transport

  /** Appends what {@code data} holds from its position to its limit. */
  void feed(ByteBuffer data) {
    int n = data.remaining();
    if (n == 0) {
      return;
    }
    makeRoom(n);
    data.get(buf, end, n);
    end += n;
    wakeUpWaiter();
    if (transport != null && !paused && end - start > 2 * limit) {
      paused = true;
      transport.pauseReading();
    }
  }

  void feedEof() {
    eof = true;
    wakeUpWaiter();
  }

  /** The connection failed: every read from now on throws {@code e}. */
  void setException(Throwable e) {
    exception = e;
    LoopFuture<Void> w = waiter;
    if (w != null) {
      waiter = null;
      if (!w.isCancelled()) {
        w.setException(e);
      }
    }
  }

  Throwable exception() {
    return exception;
  }

  /**
   * Removes and returns every byte buffered and not read yet: startTls hands them to the TLS
   * layer, whose first records they are.
   */
  byte[] takeBuffered() {
    return take(end - start);
  }

  /** True while the reader holds its transport paused (its buffer is full). */
  boolean isPausingTransport() {
    return paused;
  }

  // ---- StreamReader

  @Override
  public Coroutine<byte[]> read(int maxBytes) {
    return () -> {
      CoroutineTask<?> task = requireTask("read");
      throwIfFailed();
      if (maxBytes == 0) {
        return new byte[0];
      }
      if (maxBytes < 0) {
        return readToEnd(task);
      }
      if (start == end && !eof) {
        waitForData(task, "read");
      }
      return take(Math.min(maxBytes, end - start));
    };
  }

  private byte[] readToEnd(CoroutineTask<?> task) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (; ; ) {
      throwIfFailed();
      if (start == end && !eof) {
        waitForData(task, "read");
      }
      if (start == end) {
        return all.toByteArray();
      }
      all.write(buf, start, end - start); // everything buffered at once: linear in the total
      start = end;
      consumed();
    }
  }

  @Override
  public Coroutine<String> readLine() {
    return readLine;
  }

  private String readLineNow() throws Exception {
    CoroutineTask<?> task = requireTask("readLine");
    int length;
    try {
      length = awaitSeparator(task, ONE_BYTE['\n']);
    } catch (IncompleteReadException e) {
      byte[] partial = e.partial();
      return partial.length == 0 ? null : new String(partial, StandardCharsets.UTF_8);
    } catch (LimitOverrunException e) {
      // as asyncio's readline: drop the line's bytes, up to its end if it has arrived
      if (e.consumed() < end - start && buf[start + e.consumed()] == '\n') {
        start += e.consumed() + 1;
      } else {
        start = end;
      }
      consumed();
      throw e;
    }
    int n = length - 1;
    if (n > 0 && buf[start + n - 1] == '\r') {
      n--;
    }
    String line = new String(buf, start, n, StandardCharsets.UTF_8); // decoded where it lies
    start += length;
    consumed();
    return line;
  }

  @Override
  public Coroutine<byte[]> readExactly(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("readExactly size cannot be negative: " + n);
    }
    return () -> {
      CoroutineTask<?> task = requireTask("readExactly");
      throwIfFailed();
      while (end - start < n) {
        if (eof) {
          byte[] partial = take(end - start);
          throw new IncompleteReadException(partial, n);
        }
        waitForData(task, "readExactly");
      }
      return take(n);
    };
  }

  @Override
  public Coroutine<byte[]> readUntil(byte[] separator) {
    Objects.requireNonNull(separator, "separator");
    if (separator.length == 0) {
      throw new IllegalArgumentException("readUntil separator cannot be empty");
    }
    byte[] sep = separator.length == 1 ? ONE_BYTE[separator[0] & 0xff] : separator.clone();
    return () -> readUntil(requireTask("readUntil"), sep);
  }

  private byte[] readUntil(CoroutineTask<?> task, byte[] sep) throws Exception {
    return take(awaitSeparator(task, sep));
  }

  /**
   * Suspends until {@code sep} is buffered, and returns the length of the chunk up to its end,
   * leaving the chunk buffered; throws as {@link #readUntil(byte[])} does.
   */
  private int awaitSeparator(CoroutineTask<?> task, byte[] sep) throws Exception {
    throwIfFailed();
    int offset = 0;
    int found;
    for (; ; ) {
      int buffered = end - start;
      if (buffered - offset >= sep.length) {
        found = sep.length == 1 ? indexOf(sep[0], offset) : indexOf(sep, offset);
        if (found >= 0) {
          break;
        }
        offset = buffered + 1 - sep.length;
        if (offset > limit) {
          throw new LimitOverrunException(
              "Separator is not found, and chunk exceed the limit", offset);
        }
      }
      if (eof) {
        throw new IncompleteReadException(take(buffered), -1);
      }
      waitForData(task, "readUntil");
    }
    if (found > limit) {
      throw new LimitOverrunException("Separator is found, but chunk is longer than limit", found);
    }
    return found + sep.length;
  }

  @Override
  public boolean atEof() {
    Streams.checkLoop(loop, "atEof", this);
    return eof && start == end;
  }

  @Override
  public String toString() {
    return "StreamReader[" + description + ", " + (end - start) + " bytes buffered"
        + (eof ? ", eof" : "") + (exception != null ? ", " + Throwables.brief(exception) : "")
        + "]";
  }

  // ---- helpers

  /** The task that runs a read: one of this reader's loop, else refused before anything moves. */
  private CoroutineTask<?> requireTask(String method) {
    return Streams.requireTaskOf(loop, method, this);
  }

  /** What a refused call names: "the stream from /127.0.0.1:8888". */
  String describe() {
    return "the stream from " + description;
  }

  private void throwIfFailed() {
    if (exception != null) {
      throw Throwables.sneaky(exception);
    }
  }

  /** asyncio's _wait_for_data: suspends until bytes, the end of the stream or a failure arrive. */
  private void waitForData(CoroutineTask<?> task, String method) throws Exception {
    if (waiter != null) {
      throw new IllegalStateException(
          method + "() called while another task is already waiting for data from " + description);
    }
    if (paused) {
      paused = false;
      transport.resumeReading();
    }
    LoopFuture<Void> w = new LoopFuture<>(loop, method, fromDescription);
    waiter = w;
    try {
      task.await(w);
    } finally {
      if (waiter == w) {
        waiter = null;
      }
    }
  }

  private void wakeUpWaiter() {
    LoopFuture<Void> w = waiter;
    if (w != null) {
      waiter = null;
      w.setResultIfPending(null);
    }
  }

  /** Removes and returns the first {@code n} buffered bytes. */
  private byte[] take(int n) {
    byte[] chunk = Arrays.copyOfRange(buf, start, start + n);
    start += n;
    consumed();
    return chunk;
  }

  /** After bytes were removed: frees a grown buffer once empty, and reads again if paused. */
  private void consumed() {
    if (start == end) {
      start = 0;
      end = 0;
      if (buf.length > 64 * 1024) {
        buf = new byte[INITIAL_CAPACITY];
      }
    }
    if (paused && end - start <= limit) {
      paused = false;
      transport.resumeReading();
    }
  }

  private void makeRoom(int n) {
    if (buf.length - end >= n) {
      return;
    }
    int buffered = end - start;
    if (buf.length - buffered >= n) {
      System.arraycopy(buf, start, buf, 0, buffered);
    } else {
      buf = Arrays.copyOfRange(buf, start, start + Math.max(buf.length * 2, buffered + n));
    }
    start = 0;
    end = buffered;
  }

  /** Where {@code b} first is in the buffer from {@code from} on (relative to start), or -1. */
  private int indexOf(byte b, int from) {
    for (int i = start + from; i < end; i++) {
      if (buf[i] == b) {
        return i - start;
      }
    }
    return -1;
  }

  private int indexOf(byte[] sep, int from) {
    int last = end - sep.length;
    outer:
    for (int i = start + from; i <= last; i++) {
      for (int j = 0; j < sep.length; j++) {
        if (buf[i + j] != sep[j]) {
          continue outer;
        }
      }
      return i - start;
    }
    return -1;
  }
}
