package io.fgbg;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One pipe to or from a child process, as a {@link Transport}: the JDK's pipe streams block, so
 * each pipe has a thread of its own that blocks on it and trades with the loop through its inbox,
 * as a background call posts its outcome; {@link ReadPipe} for stdout and stderr, {@link
 * WritePipe} for stdin.
 *
 * <p>The threads are platform threads with a small stack, not virtual ones: a virtual thread
 * blocked in a pipe's read or write holds its carrier (the JDK's file reads are not handed to a
 * poller), and past 256 such pipes the virtual-thread scheduler, which also runs the loop's tasks,
 * would have no carrier left. A platform thread costs what that carrier would, and starves nobody.
 *
 * <p>Invariants: the fields of the subclasses are the baton holder's or the pipe thread's, as each
 * says; {@code closing} is volatile, written by the baton holder (and by {@link #release()} at
 * close), read by the pipe's thread and by any thread ({@link #isClosing()}). The thread is
 * registered with the loop's {@link ChildWatcher} from before it starts until it has ended.
 */
abstract class PipeTransport implements Transport {
  private static final long STACK_SIZE = 256 * 1024;

  final EventLoop loop;
  final ProcessJob job;
  /** "stdout of process 4242". */
  private final String name;
  /** Which stream: "stdin", "stdout", "stderr". */
  private final String stream;
  /** The pipe's thread once started; null before. Written by the baton holder. */
  volatile Thread thread;
  /** No more bytes move: closed, aborted, lost, or released at the loop's close. */
  volatile boolean closing;

  PipeTransport(ProcessJob job, String stream) {
    this.loop = job.loop;
    this.job = job;
    this.stream = stream;
    this.name = stream + " of process " + job.pid;
  }

  /** Starts the pipe's thread, which runs {@link #serve()}. */
  final void startThread() {
    Thread t =
        Thread.ofPlatform()
            .daemon(true)
            .name("fgbg-" + stream + "-" + job.pid)
            .stackSize(STACK_SIZE)
            .unstarted(this::run);
    loop.children.opened(this);
    thread = t;
    try {
      t.start();
    } catch (Throwable e) { // no thread to be had: nothing to wait for at close
      loop.children.ended(this);
      throw e;
    }
  }

  private void run() {
    try {
      serve();
    } finally {
      loop.children.ended(this);
    }
  }

  /** The pipe thread's work: moves bytes until the end of the stream, a failure, or closing. */
  abstract void serve();

  /**
   * At the loop's close, from the closing thread: stops moving bytes and lets the thread end as
   * soon as it is not blocked on the pipe.
   */
  abstract void release();

  /** Waits for the pipe's thread to end, until {@code deadline} on nanoTime; true if it has. */
  final boolean awaitEnd(long deadline) throws InterruptedException {
    Thread t = thread;
    if (t == null) {
      return true;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      t.join(java.time.Duration.ofNanos(left));
    }
    return !t.isAlive();
  }

  @Override
  public final boolean isClosing() {
    return closing;
  }

  @Override
  public final InetSocketAddress peerAddress() {
    return null;
  }

  @Override
  public final String name() {
    return name;
  }

  static void closeQuietly(Closeable stream) {
    try {
      stream.close();
    } catch (IOException ignored) {
      // the pipe is gone either way
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name + (closing ? ", closing" : "") + "]";
  }
}
