package io.fgbg;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of the loop on behalf of a calling thread: a {@code runInForeground} call, or one phase
 * of {@code close()}.
 *
 * <p>The run ends at the end of the iteration in which {@code task} became done, or after {@code
 * iterationsLeft} iterations when that is not negative. Whichever thread holds the baton then
 * hands it back to {@code caller}, unless the caller has already left (a second interrupt): the
 * {@code ending} state decides which of the two happened, exactly once.
 */
final class ForegroundRun {
  private static final int RUNNING = 0;
  private static final int HANDED_BACK = 1;
  private static final int DETACHED = 2;

  final Thread caller;
  /** What the run waits for; null for a run of a fixed number of iterations. */
  final AbstractFuture<?> task;
  /** True if this run made {@code task} (runInForeground of a coroutine): an interrupt cancels it. */
  final boolean created;
  /** Iterations still to run, each without waiting; negative: run until {@code task} is done. */
  int iterationsLeft;
  /** Interrupts the caller received during the run; touched by the caller thread only. */
  int interrupts;
  /** The task this run made has been cancelled on its behalf; touched by the baton holder only. */
  boolean cancelRequested;

  private final AtomicInteger ending = new AtomicInteger(RUNNING);

  ForegroundRun(Thread caller, AbstractFuture<?> task, boolean created, int iterations) {
    this.caller = caller;
    this.task = task;
    this.created = created;
    this.iterationsLeft = iterations;
  }

  /** Cancels the task this run made, once; later requests do nothing. Baton holder only. */
  void cancelTaskOnce() {
    if (!cancelRequested) {
      cancelRequested = true;
      task.cancelOnLoop();
    }
  }

  /** The baton holder claims the end of the run: true if the caller is still waiting for it. */
  boolean claimHandBack() {
    return ending.compareAndSet(RUNNING, HANDED_BACK);
  }

  /** The caller leaves at once: true if the baton holder has not handed the loop back yet. */
  boolean detach() {
    return ending.compareAndSet(RUNNING, DETACHED);
  }

  boolean isDetached() {
    return ending.get() == DETACHED;
  }
}
