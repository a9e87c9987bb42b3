package io.fgbg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The child's stdout or stderr as a read transport: asyncio's {@code _UnixReadPipeTransport} with
 * its {@code StreamReaderProtocol}. Its thread reads the pipe a chunk at a time and posts each
 * chunk to the loop, which feeds it to the {@link LoopStreamReader}.
 *
 * <p>Memory stays bounded whatever the child prints: one chunk at most is in flight (read, not yet
 * fed), the thread reading the next only once the loop has fed the last one (it reuses one
 * buffer), and not at all while the reader is paused, which it is above twice its limit. So at
 * most {@code 2 * limit + 2 * CHUNK} bytes of the pipe are in the JVM at any moment (the reader may
 * go one chunk over its mark); the rest waits in the pipe, and then in the child, which blocks on
 * its write as it would under a shell whose reader is slow.
 *
 * <p>Invariants: {@code inFlight} and {@code paused} are volatile: the thread sets {@code
 * inFlight}, the baton holder clears it and sets {@code paused}; the thread parks while either is
 * set, and the holder unparks it after each change. {@code bytesRead} is written by the thread
 * only; {@code bytesFed} and {@code ended} by the baton holder only.
 */
final class ReadPipe extends PipeTransport {
  /** The most the thread reads at once: a Linux pipe's capacity. */
  static final int CHUNK = 64 * 1024;

  private final InputStream in;
  final LoopStreamReader reader;

  private volatile boolean inFlight;
  private volatile boolean paused;
  /** Bytes read from the pipe so far (the thread's). */
  private volatile long bytesRead;
  /** Bytes fed to the reader so far (the holder's). */
  private long bytesFed;
  /** The reader was given the end of the stream, or a failure (the holder's). */
  private boolean ended;
  /** How often the reader has paused and resumed this pipe (the holder's; for the tests). */
  private int pauses;
  private int resumes;

  /** Reads {@code in}, the child's {@code stream} ("stdout", "stderr"), from now on. Holder only. */
  ReadPipe(ProcessJob job, String stream, InputStream in, int limit) {
    super(job, stream);
    this.in = in;
    this.reader = new LoopStreamReader(job.loop, limit);
    reader.setTransport(this, name());
    startThread();
  }

  // ---- the pipe's thread

  @Override
  void serve() {
    byte[] chunk = new byte[CHUNK];
    try {
      for (; ; ) {
        awaitTurn();
        if (stopped()) {
          return;
        }
        int n = in.read(chunk); // blocks until the child writes, or the pipe's last writer closes
        if (stopped()) {
          return;
        }
        if (n < 0) {
          loop.post(this::endOfStream);
          return;
        }
        if (n > 0) {
          bytesRead += n;
          inFlight = true;
          loop.post(() -> fed(chunk, n));
        }
      }
    } catch (IOException e) {
      if (!stopped()) {
        loop.post(() -> failed(e));
      }
    } finally {
      closeQuietly(in);
    }
  }

  private boolean stopped() {
    return closing || loop.isClosed();
  }

  /** Parks while a chunk is in flight or the reader is paused (re-checking once a second). */
  private void awaitTurn() {
    while ((inFlight || paused) && !stopped()) {
      LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
    }
  }

  // ---- on the loop

  private void fed(byte[] chunk, int n) {
    try {
      if (!closing) {
        bytesFed += n;
        reader.feed(ByteBuffer.wrap(chunk, 0, n)); // may pause us: before the thread looks again
      }
    } finally { // whatever happened, the thread is not left waiting for this chunk
      inFlight = false;
      LockSupport.unpark(thread);
    }
  }

  private void endOfStream() {
    if (!ended) {
      ended = true;
      reader.feedEof();
    }
  }

  private void failed(IOException e) {
    if (!ended) {
      ended = true;
      reader.setException(new IOException("cannot read " + name() + ": " + e.getMessage(), e));
    }
  }

  @Override
  public void pauseReading() {
    paused = true;
    pauses++;
  }

  @Override
  public void resumeReading() {
    paused = false;
    resumes++;
    LockSupport.unpark(thread);
  }

  /** A read pipe is never written: its reader has no writer. */
  @Override
  public void write(byte[] data, int off, int len) {
    throw new UnsupportedOperationException(name() + " is read, not written");
  }

  /**
   * Stops reading; the reader sees the end of the stream one hop later if it has not yet. The
   * thread ends once it is not blocked on the pipe, and closes it. Again: nothing.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    LockSupport.unpark(thread);
    loop.callSoonOnLoop(this::endOfStream);
  }

  @Override
  public void abort() {
    close();
  }

  @Override
  void release() {
    closing = true;
    LockSupport.unpark(thread);
  }

  // ---- what the tests measure

  /** Bytes the thread has read from the pipe so far; any thread. */
  long bytesRead() {
    return bytesRead;
  }

  /** How often the reader has paused this pipe; baton holder only. */
  int pauses() {
    return pauses;
  }

  /** How often the reader has resumed this pipe; baton holder only. */
  int resumes() {
    return resumes;
  }

  /** Bytes the loop has fed to the reader so far; baton holder only. */
  long bytesFed() {
    return bytesFed;
  }
}
