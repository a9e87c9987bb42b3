package io.fgbg;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Thread regime: the baton holder only. The set-up runs holding the baton (in a task, or taken from
 * an idle loop by {@link EventLoop#onLoop}); the callbacks run on the loop; the coroutines run in
 * tasks of that loop. No field is touched by any other thread.
 *
 * <p>asyncio's {@code as_completed}, ported step for step (Python 3.11, {@code
 * Lib/asyncio/tasks.py}): a done queue that each task's completion feeds, and one coroutine per distinct task that takes
 * the next entry from it; with a timeout, one timer that feeds every entry still missing with a
 * marker that makes its coroutine throw {@link TimeoutException}.
 *
 * <p>The done queue is the part of asyncio's {@code Queue} that {@code as_completed} uses, with the
 * same getters and wake-ups ({@code put_nowait}, {@code get}, {@code _wakeup_next}), so that a
 * result reaches its awaiter in the same two hops: the task's completion schedules {@code
 * onCompletion}, which wakes the first getter, whose task then resumes.
 *
 * @param <T> the common result type
 */
final class AsCompleted<T> {
  /** What the timer puts in the queue for each task not done (asyncio's {@code None}). */
  private static final Object TIMED_OUT = new Object();

  private final EventLoop loop;
  private final Duration timeout;
  /** The tasks not done yet (asyncio's {@code todo}); emptied by the timeout. */
  private final Set<AbstractFuture<? extends T>> todo =
      Collections.newSetFromMap(new IdentityHashMap<>());
  /** Finished tasks and {@code TIMED_OUT} markers, in the order they came. */
  private final ArrayDeque<Object> done = new ArrayDeque<>();
  /** The coroutines waiting for an entry, first come first served (the queue's getters). */
  private final ArrayDeque<LoopFuture<Void>> getters = new ArrayDeque<>();
  private final AbstractFuture.DoneCallback onCompletion = this::onCompletion;
  private final int total;
  private TimerHandle timeoutHandle;
  private int notDoneAtTimeout;

  private AsCompleted(
      EventLoop loop, List<AbstractFuture<? extends T>> distinct, Duration timeout) {
    assert loop.inLoop() : "asCompleted set up off the loop";
    this.loop = loop;
    this.timeout = timeout;
    this.todo.addAll(distinct);
    this.total = distinct.size();
    for (AbstractFuture<? extends T> f : distinct) {
      f.addCallback(onCompletion); // a task already done: scheduled at once, as in asyncio
    }
    if (timeout != null) {
      timeoutHandle = loop.callLaterOnLoop(EventLoop.saturatedNanos(timeout), this::onTimeout);
    }
  }

  /**
   * Watches {@code futures} (duplicates count once) and returns one coroutine per distinct one.
   * Takes the baton of their loop, which must be theirs all.
   */
  static <T> List<Coroutine<T>> start(List<AbstractFuture<? extends T>> futures, Duration timeout) {
    Set<AbstractFuture<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<AbstractFuture<? extends T>> distinct = new ArrayList<>(futures.size());
    for (AbstractFuture<? extends T> f : futures) {
      if (seen.add(f)) {
        distinct.add(f);
      }
    }
    if (distinct.isEmpty()) {
      return List.of(); // no loop needed, no timer, nothing to await
    }
    EventLoop loop = distinct.get(0).loop;
    for (AbstractFuture<?> f : distinct) {
      if (f.loop != loop) {
        throw new IllegalStateException(
            "asCompleted() needs tasks of one event loop: "
                + f.describe()
                + " belongs to another one than "
                + distinct.get(0).describe());
      }
    }
    return loop.onLoop(() -> new AsCompleted<>(loop, distinct, timeout).coroutines());
  }

  private List<Coroutine<T>> coroutines() {
    List<Coroutine<T>> list = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      list.add(new WaitForOne());
    }
    return Collections.unmodifiableList(list);
  }

  /** asyncio's {@code _on_timeout}: one marker for each task not done, which is let go. */
  private void onTimeout() {
    notDoneAtTimeout = todo.size();
    for (AbstractFuture<? extends T> f : todo) {
      f.removeCallback(onCompletion);
      put(TIMED_OUT);
    }
    todo.clear();
  }

  /** asyncio's {@code _on_completion}. */
  private void onCompletion(AbstractFuture<?> f) {
    if (todo.isEmpty()) {
      return; // the timeout came first
    }
    todo.remove(f);
    put(f);
    if (todo.isEmpty() && timeoutHandle != null) {
      timeoutHandle.cancel();
    }
  }

  // ---- the done queue: asyncio's Queue.put_nowait, get and _wakeup_next

  private void put(Object item) {
    done.add(item);
    wakeUpNext();
  }

  private void wakeUpNext() {
    while (!getters.isEmpty()) {
      LoopFuture<Void> getter = getters.poll();
      if (!getter.isDone()) {
        getter.setResult(null);
        return;
      }
    }
  }

  private Object get(CoroutineTask<?> self) throws Exception {
    while (done.isEmpty()) {
      LoopFuture<Void> getter = new LoopFuture<>(loop, "asCompleted of " + self.name());
      getters.add(getter);
      try {
        self.await(getter);
      } catch (Throwable e) {
        getter.cancelOnLoop(); // in case it is not done yet
        getters.remove(getter);
        if (!done.isEmpty() && !getter.isCancelled()) {
          wakeUpNext(); // woken by put, but cannot take the entry: the next getter may
        }
        throw e;
      }
    }
    return done.poll();
  }

  /** asyncio's {@code _wait_for_one}: one of the coroutines; each may be awaited once. */
  private final class WaitForOne implements Coroutine<T> {
    private boolean awaited; // baton holder only

    @Override
    public T run() throws Exception {
      CoroutineTask<?> self = Fgbg.requireTask("asCompleted");
      if (self.loop != loop) {
        throw new IllegalStateException(
            "cannot await asCompleted of another event loop from " + self.name());
      }
      if (awaited) {
        throw new IllegalStateException(
            "this coroutine of asCompleted was already awaited: each gives one completion");
      }
      awaited = true;
      Object item = get(self);
      if (item == TIMED_OUT) {
        throw new TimeoutException(
            "asCompleted timed out after "
                + Tasks.readable(timeout)
                + " with "
                + notDoneAtTimeout
                + " of "
                + total
                + " tasks not done");
      }
      @SuppressWarnings("unchecked")
      AbstractFuture<? extends T> f = (AbstractFuture<? extends T>) item;
      return f.resultNow(); // the task's value, or its own exception
    }

    @Override
    public String toString() {
      return "a coroutine of asCompleted";
    }
  }
}
