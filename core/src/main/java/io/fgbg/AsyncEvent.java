package io.fgbg;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A flag that tasks wait for: asyncio's {@code Event} (Python 3.11, {@code Lib/asyncio/locks.py}),
 * ported hop for hop.
 *
 * <p>Thread regime: a {@link LoopBound} block. Every method runs on the event's loop holding its
 * baton (the loop of the task that first waited on it); the fields below are the baton holder's.
 *
 * <pre>{@code
 * AsyncEvent ready = new AsyncEvent();
 * scheduleCoroutine(() -> { await(ready.waitSet()); System.out.println("go"); return null; });
 * ready.set(); // every waiting task wakes, in the order it began to wait
 * }</pre>
 *
 * <p>The flag starts cleared. A waiting task shows in {@code jobs()} as {@code wait of event}.
 *
 * <p>Differences from asyncio: {@code wait()} is {@code waitSet()} (Java's {@code Object.wait}
 * takes the name) and returns nothing (asyncio's returns {@code True}).
 */
public final class AsyncEvent extends LoopBound {
  /** The waiters' futures, oldest first; each removes its own once it wakes. */
  private final ArrayDeque<LoopFuture<Boolean>> waiters = new ArrayDeque<>();
  /** The flag. */
  private boolean value;

  /** Makes a cleared event, bound to no loop until a task first waits on it. Never suspends. */
  public AsyncEvent() {}

  @Override
  String kind() {
    return "AsyncEvent";
  }

  /**
   * Sets the flag and wakes every task that waits for it; tasks that wait later do not wait at
   * all, until {@link #clear()}. Setting a set event does nothing. Never a suspension point.
   *
   * @throws IllegalStateException if used from another loop or thread than the event's
   */
  public void set() {
    onLoop(
        "set",
        () -> {
          if (!value) {
            value = true;
            for (LoopFuture<Boolean> fut : waiters) {
              if (!fut.isDone()) {
                fut.setResult(true);
              }
            }
          }
        });
  }

  /**
   * Clears the flag: tasks that wait from now on wait for the next {@link #set()}. Tasks already
   * woken still wake. Never a suspension point.
   *
   * @throws IllegalStateException if used from another loop or thread than the event's
   */
  public void clear() {
    onLoop("clear", () -> value = false);
  }

  /**
   * Whether the flag is set (asyncio's {@code is_set()}). Never a suspension point.
   *
   * @return true if set
   * @throws IllegalStateException if used from another loop or thread than the event's
   */
  public boolean isSet() {
    return onLoop("isSet", () -> value);
  }

  /**
   * Waits until the flag is set (asyncio's {@code wait()}); returns at once, without yielding, if
   * it is set already.
   *
   * <p>Awaiting it is a suspension point only when the flag is clear. Inside a task only.
   *
   * @return the coroutine; awaited, it throws {@link java.util.concurrent.CancellationException}
   *     if the task is cancelled while it waits, and {@code IllegalStateException} outside a task
   *     or from another loop than the event's
   */
  public Coroutine<Void> waitSet() {
    return () -> {
      CoroutineTask<?> task = Fgbg.requireTask("waitSet");
      LoopFuture<Boolean> fut =
          onLoop(
              "waitSet",
              () -> {
                if (value) {
                  return null; // the fast path: no yield
                }
                LoopFuture<Boolean> waiter = newWaiter("wait of event");
                waiters.add(waiter);
                return waiter;
              });
      if (fut != null) {
        try {
          task.await(fut);
        } finally {
          waiters.remove(fut);
        }
      }
      return null;
    };
  }

  /** The waiters' futures, oldest first (for tests). Baton holder only. */
  List<LoopFuture<Boolean>> waitersNow() {
    return List.copyOf(waiters);
  }

  /** asyncio's repr: {@code AsyncEvent[unset, waiters:2]}; a racy read off the loop. */
  @Override
  public String toString() {
    int n = waiters.size();
    return "AsyncEvent[" + (value ? "set" : "unset") + (n > 0 ? ", waiters:" + n : "") + "]";
  }
}
