package io.fgbg;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for tasks: asyncio's {@code Condition} (Python 3.11, {@code
 * Lib/asyncio/locks.py}), ported hop for hop, over an {@link AsyncLock}.
 *
 * <p>Thread regime: a {@link LoopBound} block. Every method runs on the condition's loop holding
 * its baton (the loop of the task that first waited on it, which its lock must share); the fields below are the
 * baton holder's.
 *
 * <pre>{@code
 * AsyncCondition changed = new AsyncCondition();
 * // a consumer
 * try (Held held = changed.hold()) {
 *   await(changed.waitUntil(() -> !items.isEmpty()));
 *   take(items.remove(0));
 * }
 * // a producer
 * try (Held held = changed.hold()) {
 *   items.add(item);
 *   changed.signal();
 * }
 * }</pre>
 *
 * <p>{@code acquire()}, {@code release()}, {@code isLocked()} and {@code hold()} are the lock's.
 * Waiting releases the lock, and takes it again before it returns, even when the task is
 * cancelled meanwhile. Signalled tasks wake in the order they began to wait. A waiting task shows
 * in {@code jobs()} as {@code wait of condition} (then {@code acquire of lock} while it takes the
 * lock again).
 *
 * <p>Differences from asyncio: {@code wait()} is {@code waitNotified()}, {@code wait_for()} is
 * {@code waitUntil()} (which returns nothing, not the predicate's value), {@code notify(n)} and
 * {@code notify_all()} are {@code signal(n)} and {@code signalAll()} (Java's {@code Object}
 * methods take those names); misuse is an {@code IllegalStateException} (asyncio's {@code
 * RuntimeError}).
 */
public final class AsyncCondition extends LoopBound {
  private final AsyncLock lock;
  /** What a waiting task awaits, as the job table shows it. */
  private final String waitDescription;
  /** The waiters' futures, oldest first; each removes its own once it wakes. */
  private final ArrayDeque<LoopFuture<Boolean>> waiters = new ArrayDeque<>();

  /** Makes a condition over a new lock. Never suspends. */
  public AsyncCondition() {
    this(new AsyncLock());
  }

  /**
   * Makes a condition over {@code lock}, which may be shared with other conditions. Never
   * suspends.
   *
   * @param lock the lock
   * @throws NullPointerException if {@code lock} is null
   */
  public AsyncCondition(AsyncLock lock) {
    this(Objects.requireNonNull(lock, "lock"), "wait of condition");
  }

  /** A condition whose waiters show as {@code waitDescription} (a barrier's inner condition). */
  AsyncCondition(AsyncLock lock, String waitDescription) {
    this.lock = lock;
    this.waitDescription = waitDescription;
  }

  @Override
  String kind() {
    return "AsyncCondition";
  }

  /**
   * Acquires the condition's lock: see {@link AsyncLock#acquire()}.
   *
   * <p>Awaiting it is a suspension point only when the lock is taken or others wait for it.
   *
   * @return the coroutine
   */
  public Coroutine<Void> acquire() {
    return () -> {
      onLoop("acquire", () -> {});
      lock.acquireInTask("acquire");
      return null;
    };
  }

  /**
   * Releases the condition's lock: see {@link AsyncLock#release()}. Never a suspension point.
   *
   * @throws IllegalStateException if the lock is not locked, or from another loop or thread
   */
  public void release() {
    onLoop("release", lock::release);
  }

  /**
   * Whether the condition's lock is held. Never a suspension point.
   *
   * @return true if some task holds it
   * @throws IllegalStateException if used from another loop or thread than the condition's
   */
  public boolean isLocked() {
    return onLoop("isLocked", lock::isLocked);
  }

  /**
   * Acquires the condition's lock in the calling task and returns a {@link Held} that releases
   * it: asyncio's {@code async with condition:}. See {@link AsyncLock#hold()}.
   *
   * <p>A suspension point only when the lock is taken or others wait for it.
   *
   * @return the hold, for try-with-resources
   * @throws IllegalStateException outside a task, or from another loop than the condition's
   * @throws CancellationException if the task is cancelled while it waits
   * @throws Exception declared as every suspension point is; nothing else is thrown
   */
  public Held hold() throws Exception {
    Fgbg.requireTask("hold");
    onLoop("hold", () -> {});
    return lock.hold();
  }

  /**
   * Releases the lock, waits until another task signals this condition, then takes the lock
   * again (asyncio's {@code wait()}). The lock is taken again before the coroutine returns or
   * throws, even if the task is cancelled while it waits; the cancellation is then thrown.
   *
   * <p>Awaiting it is always a suspension point. Inside a task only, holding the lock.
   *
   * @return the coroutine; awaited, it throws {@code IllegalStateException} if the lock is not
   *     held, outside a task, or from another loop than the condition's, and {@link
   *     CancellationException} if the task was cancelled while it waited
   */
  public Coroutine<Void> waitNotified() {
    return () -> {
      waitInTask("waitNotified");
      return null;
    };
  }

  /**
   * Waits until {@code predicate} is true (asyncio's {@code wait_for()}): tests it, and while it
   * is false waits to be signalled, as {@link #waitNotified()} does, and tests it again. The
   * predicate runs holding the lock.
   *
   * <p>Awaiting it is a suspension point unless the predicate is true at once. Inside a task
   * only, holding the lock (unless the predicate is true at once).
   *
   * @param predicate what to wait for
   * @return the coroutine; awaited, it throws as {@link #waitNotified()} does, and whatever the
   *     predicate throws
   * @throws NullPointerException if {@code predicate} is null
   */
  public Coroutine<Void> waitUntil(BooleanSupplier predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return () -> {
      boolean result = predicate.getAsBoolean();
      while (!result) {
        waitInTask("waitUntil");
        result = predicate.getAsBoolean();
      }
      return null;
    };
  }

  /**
   * Wakes the first task waiting on this condition, if any (asyncio's {@code notify()}). The woken
   * task returns from its wait once it has taken the lock, which the caller still holds. Never a
   * suspension point.
   *
   * @throws IllegalStateException if the lock is not held, or from another loop or thread
   */
  public void signal() {
    signal(1);
  }

  /**
   * Wakes the first {@code n} tasks waiting on this condition, or all if fewer wait (asyncio's
   * {@code notify(n)}); {@code n} of zero or less wakes none. Never a suspension point.
   *
   * @param n how many to wake
   * @throws IllegalStateException if the lock is not held, or from another loop or thread
   */
  public void signal(int n) {
    onLoop(
        "signal",
        () -> {
          requireLocked("signal");
          int idx = 0;
          for (LoopFuture<Boolean> fut : waiters) {
            if (idx >= n) {
              break;
            }
            if (!fut.isDone()) {
              idx++;
              fut.setResult(false);
            }
          }
        });
  }

  /**
   * Wakes every task waiting on this condition (asyncio's {@code notify_all()}). Never a
   * suspension point.
   *
   * @throws IllegalStateException if the lock is not held, or from another loop or thread
   */
  public void signalAll() {
    onLoop(
        "signalAll",
        () -> {
          requireLocked("signalAll");
          signal(waiters.size());
        });
  }

  // ---- asyncio's algorithm

  /** asyncio's {@code wait()}, in the calling task. */
  private void waitInTask(String call) throws Exception {
    CoroutineTask<?> task = Fgbg.requireTask(call);
    LoopFuture<Boolean> fut =
        onLoop(
            call,
            () -> {
              requireLocked(call);
              lock.release();
              LoopFuture<Boolean> waiter = newWaiter(waitDescription);
              waiters.add(waiter);
              return waiter;
            });
    try {
      try {
        task.await(fut);
      } finally {
        waiters.remove(fut);
      }
    } finally {
      reacquire();
    }
  }

  /** Takes the lock again, whatever happens meanwhile; a cancellation is thrown once it is held. */
  private void reacquire() throws Exception {
    CancellationException cancelled = null;
    for (; ; ) {
      try {
        lock.acquireInTask("waitNotified");
        break;
      } catch (CancellationException e) {
        cancelled = e;
      }
    }
    if (cancelled != null) {
      throw cancelled;
    }
  }

  private void requireLocked(String call) {
    if (!lock.lockedOnLoop()) {
      throw new IllegalStateException(
          call
              + "() of an AsyncCondition whose lock is not held: acquire() or hold() the"
              + " condition first");
    }
  }

  /** The waiters' futures, oldest first (for tests). Baton holder only. */
  List<LoopFuture<Boolean>> waitersNow() {
    return List.copyOf(waiters);
  }

  /** The condition's lock (for tests). */
  AsyncLock lock() {
    return lock;
  }

  /** asyncio's repr: {@code AsyncCondition[locked, waiters:2]}; a racy read off the loop. */
  @Override
  public String toString() {
    int n = waiters.size();
    return "AsyncCondition["
        + (lock.lockedOnLoop() ? "locked" : "unlocked")
        + (n > 0 ? ", waiters:" + n : "")
        + "]";
  }
}
