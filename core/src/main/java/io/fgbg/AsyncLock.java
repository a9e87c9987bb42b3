package io.fgbg;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * A mutual-exclusion lock for tasks: asyncio's {@code Lock} (Python 3.11, {@code
 * Lib/asyncio/locks.py}), ported hop for hop.
 *
 * <p>Thread regime: a {@link LoopBound} block. Every method runs on the lock's loop holding its
 * baton (the loop of the task that first waited on it); the fields below are the baton holder's.
 *
 * <pre>{@code
 * AsyncLock lock = new AsyncLock();
 * try (Held held = lock.hold()) {
 *   ... // one task at a time here, across awaits
 * }
 * }</pre>
 *
 * <p>The lock is not reentrant and has no owner: any task, or plain code at the prompt, may
 * release it. Waiters take it in the order they asked (FIFO); a waiter that is cancelled gives its
 * turn to the next. A waiting task shows in {@code jobs()} as {@code acquire of lock}.
 *
 * <p>Differences from asyncio: {@code acquire()} returns nothing (asyncio's returns {@code
 * True}); {@code hold()} stands for {@code async with lock}; release of an unlocked lock is an
 * {@code IllegalStateException} (asyncio's {@code RuntimeError}).
 */
public final class AsyncLock extends LoopBound {
  /** What a waiting task awaits, as the job table shows it. */
  private final String waitDescription;
  /** The waiters' futures, oldest first; null until the first wait (as asyncio's). */
  private ArrayDeque<LoopFuture<Boolean>> waiters;
  /** Whether some task holds the lock. */
  private boolean locked;

  /** Makes an unlocked lock, bound to no loop until a task first waits on it. Never suspends. */
  public AsyncLock() {
    this("acquire of lock");
  }

  /** A lock whose waiters show as {@code waitDescription} (a barrier's inner lock). */
  AsyncLock(String waitDescription) {
    this.waitDescription = waitDescription;
  }

  @Override
  String kind() {
    return "AsyncLock";
  }

  /**
   * Acquires the lock: at once if it is free and nobody waits for it (without yielding), else
   * once every earlier waiter has had its turn and the lock is released.
   *
   * <p>Awaiting it is a suspension point only when the lock is taken or others wait for it.
   * Inside a task only.
   *
   * <pre>{@code
   * await(lock.acquire());
   * try { ... } finally { lock.release(); }
   * }</pre>
   *
   * @return the coroutine; awaited, it throws {@link CancellationException} if the task is
   *     cancelled while it waits (the lock is then not acquired), and {@code
   *     IllegalStateException} outside a task or from another loop than the lock's
   */
  public Coroutine<Void> acquire() {
    return () -> {
      acquireInTask("acquire");
      return null;
    };
  }

  /**
   * Releases the lock, and wakes the first waiter, if any. Any task may release it, and so may
   * plain code between foreground runs. Never a suspension point.
   *
   * @throws IllegalStateException if the lock is not locked, or is used from another loop or
   *     thread than its own
   */
  public void release() {
    onLoop(
        "release",
        () -> {
          if (!locked) {
            throw new IllegalStateException("release() of an unlocked AsyncLock");
          }
          locked = false;
          wakeUpFirst();
        });
  }

  /**
   * Whether the lock is held (asyncio's {@code locked()}). Never a suspension point.
   *
   * @return true if some task holds it
   * @throws IllegalStateException if used from another loop or thread than the lock's
   */
  public boolean isLocked() {
    return onLoop("isLocked", () -> locked);
  }

  /**
   * Acquires the lock in the calling task, as {@code await(acquire())} does, and returns a {@link
   * Held} whose {@code close()} releases it once: asyncio's {@code async with lock:}.
   *
   * <p>A suspension point only when the lock is taken or others wait for it.
   *
   * @return the hold, for try-with-resources
   * @throws IllegalStateException outside a task (use {@code runInForeground}), or from another
   *     loop than the lock's
   * @throws CancellationException if the task is cancelled while it waits
   * @throws Exception declared as every suspension point is; nothing else is thrown
   */
  public Held hold() throws Exception {
    acquireInTask("hold");
    return new Hold(this::release);
  }

  // ---- asyncio's algorithm

  /** asyncio's {@code acquire()}, in the calling task. */
  void acquireInTask(String call) throws Exception {
    CoroutineTask<?> task = Fgbg.requireTask(call);
    LoopFuture<Boolean> fut =
        onLoop(
            call,
            () -> {
              if (!locked && (waiters == null || allCancelled())) {
                locked = true; // the fast path: no yield
                return null;
              }
              if (waiters == null) {
                waiters = new ArrayDeque<>();
              }
              LoopFuture<Boolean> waiter = newWaiter(waitDescription);
              waiters.add(waiter);
              return waiter;
            });
    if (fut == null) {
      return;
    }
    // The removal comes before the cancellation handling, so that a cancelled waiter never
    // wakes itself up in wakeUpFirst().
    try {
      try {
        task.await(fut);
      } finally {
        waiters.remove(fut);
      }
    } catch (CancellationException e) {
      if (!locked) {
        wakeUpFirst();
      }
      throw e;
    }
    locked = true;
  }

  /** Baton holder only: the lock as the condition sees it. */
  boolean lockedOnLoop() {
    return locked;
  }

  private boolean allCancelled() {
    for (LoopFuture<Boolean> w : waiters) {
      if (!w.isCancelled()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Wakes the first waiter if it is not done. A done one will wake up later and either take the
   * lock or, if it was cancelled and the lock is free, come here again for the next one.
   */
  private void wakeUpFirst() {
    if (waiters == null || waiters.isEmpty()) {
      return;
    }
    LoopFuture<Boolean> first = waiters.peekFirst();
    if (!first.isDone()) {
      first.setResult(true);
    }
  }

  /** The waiters' futures, oldest first (for tests). Baton holder only. */
  List<LoopFuture<Boolean>> waitersNow() {
    return waiters == null ? List.of() : List.copyOf(waiters);
  }

  /** asyncio's repr: {@code AsyncLock[locked, waiters:2]}; a racy read off the loop. */
  @Override
  public String toString() {
    ArrayDeque<LoopFuture<Boolean>> w = waiters;
    int n = w == null ? 0 : w.size();
    return "AsyncLock[" + (locked ? "locked" : "unlocked") + (n > 0 ? ", waiters:" + n : "") + "]";
  }

  /** A {@link Held} that runs its release once. */
  static final class Hold implements Held {
    private final Runnable release;
    private boolean closed; // the block's baton holder's, as the block's state is

    Hold(Runnable release) {
      this.release = release;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        release.run();
      }
    }
  }
}
