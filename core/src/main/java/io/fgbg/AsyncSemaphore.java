package io.fgbg;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * A counter of permits that tasks wait for: asyncio's {@code Semaphore} and {@code
 * BoundedSemaphore} (Python 3.11.7, {@code Lib/asyncio/locks.py}), ported hop for hop.
 *
 * <p>Thread regime: a {@link LoopBound} block. Every method runs on the semaphore's loop holding
 * its baton (the loop of the task that first waited on it); the fields below are the baton holder's.
 *
 * <pre>{@code
 * AsyncSemaphore connections = new AsyncSemaphore(10);
 * try (Held held = connections.hold()) {
 *   ... // at most ten tasks here at once
 * }
 * }</pre>
 *
 * <p>{@code acquire()} takes a permit, waiting while there is none or others wait for one;
 * {@code release()} gives one back, handing it to the first waiter. Waiters are served in the
 * order they asked (FIFO); a waiter that is cancelled gives its turn to the next. A waiting task
 * shows in {@code jobs()} as {@code acquire of semaphore}. A {@linkplain #bounded(int) bounded}
 * semaphore refuses a release that would take it above its initial value.
 *
 * <p>Differences from asyncio: {@code acquire()} returns nothing (asyncio's returns {@code True});
 * {@code hold()} stands for {@code async with semaphore}; {@code BoundedSemaphore} is {@link
 * #bounded(int)}, and its release above the value is an {@code IllegalStateException} (asyncio's
 * {@code ValueError}); the value has no default (asyncio's is 1).
 */
public final class AsyncSemaphore extends LoopBound {
  /** The initial value of a bounded semaphore, which release() must not pass; else -1. */
  private final int bound;
  /** The waiters' futures, oldest first; null until the first wait (as asyncio's). */
  private ArrayDeque<LoopFuture<Boolean>> waiters;
  /**
   * The permits not taken. A waiter that is woken was given its permit when it was woken (the
   * value went down then), so it does not take one again when it runs.
   */
  private int value;

  /**
   * Makes a semaphore with {@code value} permits, bound to no loop until a task first waits on it. Never
   * suspends.
   *
   * @param value the permits; zero makes it locked until a release
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public AsyncSemaphore(int value) {
    this(value, -1);
  }

  private AsyncSemaphore(int value, int bound) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "AsyncSemaphore's initial value must be >= 0, not " + value);
    }
    this.value = value;
    this.bound = bound;
  }

  /**
   * Makes a bounded semaphore (asyncio's {@code BoundedSemaphore}): a {@link #release()} that
   * would take the value above {@code value} is refused. Never suspends.
   *
   * @param value the permits, and the most there may be
   * @return the semaphore
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public static AsyncSemaphore bounded(int value) {
    return new AsyncSemaphore(value, value);
  }

  @Override
  String kind() {
    return "AsyncSemaphore";
  }

  /**
   * Takes a permit: at once, without yielding, if one is free and no task waits; else once every
   * earlier waiter has been served and a permit is released.
   *
   * <p>Awaiting it is a suspension point only when the semaphore is {@linkplain #isLocked()
   * locked}. Inside a task only.
   *
   * @return the coroutine; awaited, it throws {@link CancellationException} if the task is
   *     cancelled while it waits (no permit is then taken), and {@code IllegalStateException}
   *     outside a task or from another loop than the semaphore's
   */
  public Coroutine<Void> acquire() {
    return () -> {
      acquireInTask("acquire");
      return null;
    };
  }

  /**
   * Gives a permit back, and hands it to the first waiter that is not done, if any. Never a
   * suspension point.
   *
   * @throws IllegalStateException if the semaphore is bounded and its value would pass its
   *     initial value, or if used from another loop or thread than the semaphore's
   */
  public void release() {
    onLoop(
        "release",
        () -> {
          if (bound >= 0 && value >= bound) {
            throw new IllegalStateException(
                "release() of a bounded AsyncSemaphore would take it above its initial value, "
                    + bound
                    + ": it was released more times than it was acquired");
          }
          value++;
          wakeUpNext();
        });
  }

  /**
   * Whether an acquire would wait (asyncio's {@code locked()}): no permit is free, or some task
   * that is not cancelled waits for one. Never a suspension point.
   *
   * @return true if an acquire cannot succeed at once
   * @throws IllegalStateException if used from another loop or thread than the semaphore's
   */
  public boolean isLocked() {
    return onLoop("isLocked", this::lockedOnLoop);
  }

  /**
   * Takes a permit in the calling task, as {@code await(acquire())} does, and returns a {@link
   * Held} whose {@code close()} gives it back once: asyncio's {@code async with semaphore:}.
   *
   * <p>A suspension point only when the semaphore is locked.
   *
   * @return the hold, for try-with-resources
   * @throws IllegalStateException outside a task (use {@code runInForeground}), or from another
   *     loop than the semaphore's
   * @throws CancellationException if the task is cancelled while it waits
   * @throws Exception declared as every suspension point is; nothing else is thrown
   */
  public Held hold() throws Exception {
    acquireInTask("hold");
    return new AsyncLock.Hold(this::release);
  }

  // ---- asyncio's algorithm

  private boolean lockedOnLoop() {
    if (value == 0) {
      return true;
    }
    if (waiters != null) {
      for (LoopFuture<Boolean> w : waiters) {
        if (!w.isCancelled()) {
          return true;
        }
      }
    }
    return false;
  }

  /** asyncio's {@code acquire()}, in the calling task. */
  private void acquireInTask(String call) throws Exception {
    CoroutineTask<?> task = Fgbg.requireTask(call);
    LoopFuture<Boolean> fut =
        onLoop(
            call,
            () -> {
              if (!lockedOnLoop()) {
                value--; // the fast path: no yield
                return null;
              }
              if (waiters == null) {
                waiters = new ArrayDeque<>();
              }
              LoopFuture<Boolean> waiter = newWaiter("acquire of semaphore");
              waiters.add(waiter);
              return waiter;
            });
    if (fut == null) {
      return;
    }
    // The removal comes before the cancellation handling, so that a cancelled waiter never
    // hands the permit to itself in wakeUpNext().
    try {
      try {
        task.await(fut);
      } finally {
        waiters.remove(fut);
      }
    } catch (CancellationException e) {
      if (!fut.isCancelled()) { // woken, then cancelled: its permit goes to the next waiter
        value++;
        wakeUpNext();
      }
      throw e;
    }
    if (value > 0) {
      wakeUpNext();
    }
  }

  /** Hands a permit to the first waiter that is not done. */
  private void wakeUpNext() {
    if (waiters == null || waiters.isEmpty()) {
      return;
    }
    for (LoopFuture<Boolean> fut : waiters) {
      if (!fut.isDone()) {
        value--;
        fut.setResult(true);
        return;
      }
    }
  }

  /** The permits not taken (for tests). Baton holder only. */
  int valueNow() {
    return value;
  }

  /** The waiters' futures, oldest first (for tests). Baton holder only. */
  List<LoopFuture<Boolean>> waitersNow() {
    return waiters == null ? List.of() : List.copyOf(waiters);
  }

  /** asyncio's repr: {@code AsyncSemaphore[unlocked, value:2]}; a racy read off the loop. */
  @Override
  public String toString() {
    ArrayDeque<LoopFuture<Boolean>> w = waiters;
    int n = w == null ? 0 : w.size();
    boolean locked = value == 0 || n > 0 && lockedOnLoop();
    return "AsyncSemaphore["
        + (locked ? "locked" : "unlocked, value:" + value)
        + (n > 0 ? ", waiters:" + n : "")
        + "]";
  }
}
