package io.fgbg;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The child's stdin as a write transport: asyncio's {@code _UnixWritePipeTransport} with the flow
 * control of its protocol. What the {@link LoopStreamWriter} writes is queued; the pipe's thread,
 * started by the first write or close, writes the queue to the pipe (blocking while the child does
 * not read) and posts to the loop how much has gone, so the writer pauses above {@link
 * Transport#HIGH_WATER} bytes not yet written and resumes at {@link Transport#LOW_WATER}: {@code
 * drain()} works as on a socket.
 *
 * <p>Once the child has closed its stdin or exited, the next write to the pipe fails: the queue is
 * dropped, writes are dropped from then on, and {@code drain()} throws an {@link IOException} that
 * says the stdin is closed (asyncio's {@code BrokenPipeError}).
 *
 * <p>Invariants: {@code buffered}, {@code writingPaused} and {@code lost} are the baton holder's.
 * The queue, {@code closeQueued} and {@code dropped} are shared with the pipe's thread under
 * {@code lock}, held only to move a chunk in or out, never while writing. {@code buffered} counts
 * the bytes queued or being written: the thread posts each piece it has written.
 */
final class WritePipe extends PipeTransport {
  /** The most the thread writes before it tells the loop: drain() sees progress in such steps. */
  private static final int PIECE = 64 * 1024;

  private final OutputStream out;
  /** Never fed: it holds the failure that drain() throws once the pipe is lost. */
  private final LoopStreamReader failures;
  final LoopStreamWriter writer;

  private long buffered;
  private boolean writingPaused;
  private boolean lost;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition moved = lock.newCondition();
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private boolean closeQueued;
  private boolean dropped;

  /** Writes to {@code out}, the child's stdin. Holder only. */
  WritePipe(ProcessJob job, OutputStream out) {
    super(job, "stdin");
    this.out = out;
    this.failures = new LoopStreamReader(job.loop, Streams.DEFAULT_LIMIT);
    this.writer = new LoopStreamWriter(job.loop, this, failures);
  }

  // ---- on the loop

  @Override
  public void write(byte[] data, int off, int len) {
    if (lost || len == 0) {
      return;
    }
    byte[] copy = Arrays.copyOfRange(data, off, off + len);
    lock.lock();
    try {
      queue.addLast(copy);
      moved.signal();
    } finally {
      lock.unlock();
    }
    buffered += len;
    if (thread == null) {
      startThread();
    }
    if (!writingPaused && buffered > HIGH_WATER) {
      writingPaused = true;
      writer.pauseWriting();
    }
  }

  /** A write pipe is never read: its writer's reader is never fed. */
  @Override
  public void pauseReading() {}

  @Override
  public void resumeReading() {}

  /** The thread has written {@code n} more bytes. */
  private void sent(int n) {
    if (lost) {
      return;
    }
    buffered -= n;
    if (writingPaused && buffered <= LOW_WATER) {
      writingPaused = false;
      writer.resumeWriting();
    }
  }

  /** Closes the pipe once what was written has gone. Again: nothing. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    if (thread == null) { // nothing was ever written: close here, it never blocks
      closeQuietly(out);
      lose(null);
      return;
    }
    lock.lock();
    try {
      closeQueued = true;
      moved.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Drops what is queued and closes the pipe as soon as the thread is not blocked in a write. */
  @Override
  public void abort() {
    if (lost) {
      return;
    }
    closing = true;
    if (thread == null) {
      closeQuietly(out);
    } else {
      drop();
    }
    lose(null);
  }

  @Override
  void release() {
    closing = true;
    drop();
  }

  private void drop() {
    lock.lock();
    try {
      dropped = true;
      queue.clear();
      moved.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The pipe is gone ({@code failure} null: closed): the writer learns it one hop later. */
  private void lose(IOException failure) {
    if (lost) {
      return;
    }
    lost = true;
    closing = true;
    buffered = 0;
    if (failure != null) {
      failures.setException(failure); // what drain() throws from now on
    }
    loop.callSoonOnLoop(() -> writer.connectionLost(failure));
  }

  /** A write to the pipe failed: the child has closed its stdin, or exited. */
  private void failed(IOException e) {
    drop();
    lose(new IOException(name() + " is closed: the child has exited or closed it", e));
  }

  // ---- the pipe's thread

  @Override
  void serve() {
    try {
      for (; ; ) {
        byte[] chunk;
        lock.lock();
        try {
          while (queue.isEmpty() && !closeQueued && !dropped) {
            moved.await();
          }
          if (dropped) {
            return;
          }
          chunk = queue.pollFirst();
        } finally {
          lock.unlock();
        }
        if (chunk == null) { // the close, after everything queued before it
          out.close();
          loop.post(() -> lose(null));
          return;
        }
        for (int off = 0; off < chunk.length; off += PIECE) {
          int n = Math.min(PIECE, chunk.length - off);
          out.write(chunk, off, n); // blocks while the pipe is full
          out.flush();
          loop.post(() -> sent(n));
        }
      }
    } catch (IOException e) {
      if (!dropped()) {
        loop.post(() -> failed(e));
      }
    } catch (InterruptedException e) {
      // nobody interrupts this thread but a JVM shutting down: stop
    } finally {
      closeQuietly(out);
    }
  }

  private boolean dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }
}
