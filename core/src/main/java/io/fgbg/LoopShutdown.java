package io.fgbg;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The phases of {@link EventLoop#close()}, as {@code asyncio.run} ends after its main coroutine:
 * the iteration in which its stop callback runs, one round of cancelling every pending task, then
 * the shutdown iterations; then fgbg's own sweep of tasks made by cleanup code, and the release of
 * threads, executor and selector.
 *
 * <p>Each phase is a {@link ForegroundRun} of the closing thread. Interrupts are counted here,
 * across phases: the first does not cut the shutdown short (it is kept for the caller); the
 * second leaves at once, abandoning what is still pending.
 *
 * <p>Thread regime: one instance per {@code close()} call, used by the closing thread only (the
 * runs' holders reach {@link #interrupted} only through the caller's side of a run, on the
 * closing thread).
 */
final class LoopShutdown {
  /** How long close() waits, in all, for the task threads that have left the loop to end. */
  private static final Duration THREADS_DEADLINE = Duration.ofSeconds(10);
  /** How long close() waits for the children it killed and their pipes' threads to end. */
  private static final Duration CHILDREN_DEADLINE = Duration.ofSeconds(2);

  private final EventLoop loop;
  private final Thread self;
  private int interrupts;

  LoopShutdown(EventLoop loop, Thread self) {
    this.loop = loop;
    this.self = self;
  }

  /** Counts an interrupt of the closing thread; returns the count so far. */
  int interrupted() {
    return ++interrupts;
  }

  /** True if the closing thread was interrupted at least once. */
  boolean wasInterrupted() {
    return interrupts > 0;
  }

  /** Runs the phases that let tasks finish. Returns true if a second interrupt cut them short. */
  boolean runPhases() {
    // asyncio.run after its main task: the iteration in which its stop callback runs, one
    // round of cancelling every pending task, then the shutdown iterations
    // (shutdown_asyncgens, shutdown_default_executor: two each).
    boolean abandoned = runIterations(1) || cancelPendingTasks() || runIterations(4);
    // Beyond asyncio.run, which would abandon them: tasks still pending (made by cleanup code)
    // are cancelled too, a few rounds at most, so that no task thread is left behind.
    for (int round = 0; round < 3 && !abandoned && loop.jobs.hasPending(); round++) {
      abandoned = cancelPendingTasks();
    }
    endChildren(abandoned);
    return abandoned;
  }

  /**
   * The phases have ended every child whose job they cancelled (SIGTERM, then SIGKILL after its
   * grace period). What is left (the phases were cut short, or cleanup started a child) is killed
   * now, and the pipes' threads released; then, unless cut short, close() waits for the exits and
   * those threads, {@link #CHILDREN_DEADLINE} at most.
   */
  private void endChildren(boolean abandoned) {
    ChildWatcher children = loop.children;
    if (children.isEmpty()) {
      return;
    }
    children.endAll();
    long deadline = System.nanoTime() + CHILDREN_DEADLINE.toNanos();
    if (!abandoned
        && !waitThroughOneInterrupt(() -> children.awaitAll(deadline))
        && interrupts < 2) {
      loop.reportException(
          "child processes or their pipes still open "
              + CHILDREN_DEADLINE.toSeconds()
              + " s after close(), left behind (a process a child started may hold a pipe): "
              + children.describeLeft(),
          null);
    }
  }

  /**
   * asyncio's {@code _cancel_all_tasks}: cancels every pending task, in the order they were made,
   * and runs until all have finished, plus the iteration of the stop callback. Returns true if
   * interrupted.
   */
  private boolean cancelPendingTasks() {
    if (!loop.jobs.hasPending()) {
      return false;
    }
    List<AbstractFuture<?>> toCancel = loop.jobs.pendingList();
    for (AbstractFuture<?> task : toCancel) {
      task.cancelOnLoop();
    }
    return runUntilDone(Tasks.allDone(loop, toCancel)) || runIterations(1);
  }

  /** Runs {@code iterations} iterations without waiting. Returns true if interrupted. */
  private boolean runIterations(int iterations) {
    return drive(new ForegroundRun(loop, self, null, false, iterations, this));
  }

  /** Runs until {@code future} is done. Returns true if interrupted. */
  private boolean runUntilDone(AbstractFuture<?> future) {
    return drive(new ForegroundRun(loop, self, future, false, -1, this));
  }

  private boolean drive(ForegroundRun run) {
    loop.dispatcher.drive(run, null);
    return run.isDetached() || interrupts >= 2;
  }

  /**
   * After close: waits for the threads the loop started, so that none is left alive. A first
   * interrupt does not cut the wait short (it is counted, and kept for the caller); a second does.
   */
  void shutDownThreads(ExecutorService executor, List<Thread> retiredThreads) {
    if (executor != null) {
      executor.shutdownNow();
      if (!waitThroughOneInterrupt(() -> executor.awaitTermination(10, TimeUnit.SECONDS))
          && interrupts < 2) {
        loop.reportException("background calls still running 10 s after close(): left behind", null);
      }
    }
    // Every thread gets a share of one deadline: a thread that outlives it does not stop the
    // others from being joined, and none is forgotten silently.
    long deadline = System.nanoTime() + THREADS_DEADLINE.toNanos();
    int left = 0;
    for (Thread t : retiredThreads) {
      if (interrupts >= 2) {
        break;
      }
      long remaining = Math.max(1, deadline - System.nanoTime());
      if (!waitThroughOneInterrupt(() -> t.join(Duration.ofNanos(remaining)))) {
        left++;
      }
    }
    if (left > 0 && interrupts < 2) {
      loop.reportException(
          left
              + " task thread(s) still running "
              + THREADS_DEADLINE.toSeconds()
              + " s after close(): left behind",
          null);
    }
    retiredThreads.clear();
  }

  /** A wait of close(): true once {@code wait} answers true; false on timeout or a 2nd interrupt. */
  private boolean waitThroughOneInterrupt(InterruptibleWait wait) {
    if (Thread.interrupted()) {
      interrupts++; // an interrupt of the last iteration, not yet counted
    }
    while (interrupts < 2) {
      try {
        return wait.done();
      } catch (InterruptedException e) {
        interrupts++;
      }
    }
    return false;
  }

  @FunctionalInterface
  private interface InterruptibleWait {
    boolean done() throws InterruptedException;
  }
}
