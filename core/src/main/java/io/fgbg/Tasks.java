package io.fgbg;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * asyncio's {@code wait}, {@code wait_for} and {@code gather}, ported step for step (Python 3.11,
 * {@code Lib/asyncio/tasks.py}): the same futures, callbacks and hops, so that they interleave
 * with other tasks exactly as asyncio's do.
 */
final class Tasks {
  private Tasks() {}

  /** asyncio's {@code _wait}: returns once {@code when} is met or the timeout passes. */
  static WaitResult waitTasks(
      List<AbstractFuture<?>> futures, Duration timeout, ReturnWhen when) throws Exception {
    CoroutineTask<?> self = Fgbg.requireTask("waitTasks");
    EventLoop loop = self.loop;
    Set<AbstractFuture<?>> fs = new LinkedHashSet<>(futures);
    for (AbstractFuture<?> f : fs) {
      requireSameLoop(loop, f);
    }
    for (AbstractFuture<?> f : fs) {
      f.markObserved(); // the caller gets them back done: their outcomes are its to take
    }
    LoopFuture<Void> waiter = new LoopFuture<>(loop, "waitTasks of " + self.name());
    TimerHandle timeoutHandle =
        timeout == null
            ? null
            : loop.callLaterOnLoop(
                EventLoop.saturatedNanos(timeout), () -> waiter.setResultIfPending(null));
    int[] counter = {fs.size()};
    AbstractFuture.DoneCallback onCompletion =
        f -> {
          counter[0]--;
          if (counter[0] <= 0
              || when == ReturnWhen.FIRST_COMPLETED
              || (when == ReturnWhen.FIRST_EXCEPTION
                  && !f.isCancelled()
                  && f.exception() != null)) {
            if (timeoutHandle != null) {
              timeoutHandle.cancel();
            }
            waiter.setResultIfPending(null);
          }
        };
    for (AbstractFuture<?> f : fs) {
      f.addCallback(onCompletion);
    }
    try {
      self.await(waiter);
    } finally {
      if (timeoutHandle != null) {
        timeoutHandle.cancel();
      }
      for (AbstractFuture<?> f : fs) {
        f.removeCallback(onCompletion);
      }
    }
    Set<Task<?>> done = new LinkedHashSet<>();
    Set<Task<?>> pending = new LinkedHashSet<>();
    for (AbstractFuture<?> f : fs) {
      (f.isDone() ? done : pending).add((Task<?>) f);
    }
    return new Result(Collections.unmodifiableSet(done), Collections.unmodifiableSet(pending));
  }

  private record Result(Set<Task<?>> done, Set<Task<?>> pending) implements WaitResult {}

  /** asyncio 3.11's {@code wait_for} of a future (the coroutine form wraps it in a task first). */
  static <T> T waitFor(AbstractFuture<T> fut, Duration timeout) throws Exception {
    CoroutineTask<?> self = Fgbg.requireTask("waitFor");
    EventLoop loop = self.loop;
    requireSameLoop(loop, fut);
    fut.markObserved();
    if (timeout == null) {
      return self.await(fut);
    }
    if (timeout.isZero() || timeout.isNegative()) {
      if (fut.isDone()) {
        return fut.resultNow();
      }
      cancelAndWait(self, fut);
      return resultOrTimeout(fut, timeout);
    }
    LoopFuture<Void> waiter = new LoopFuture<>(loop, "waitFor of " + self.name());
    TimerHandle timeoutHandle =
        loop.callLaterOnLoop(
            EventLoop.saturatedNanos(timeout), () -> waiter.setResultIfPending(null));
    AbstractFuture.DoneCallback release = f -> waiter.setResultIfPending(null);
    fut.addCallback(release);
    try {
      try {
        self.await(waiter);
      } catch (CancellationException e) {
        if (fut.isDone()) {
          return fut.resultNow();
        }
        fut.removeCallback(release);
        cancelAndWait(self, fut); // the task must not be running once waitFor is over
        throw e;
      }
      if (fut.isDone()) {
        return fut.resultNow();
      }
      fut.removeCallback(release);
      cancelAndWait(self, fut);
      return resultOrTimeout(fut, timeout);
    } finally {
      timeoutHandle.cancel();
    }
  }

  private static <T> T resultOrTimeout(AbstractFuture<T> fut, Duration timeout) throws Exception {
    try {
      return fut.resultNow();
    } catch (CancellationException e) {
      TimeoutException timedOut =
          new TimeoutException(
              "waitFor timed out after " + readable(timeout) + " (" + fut.describe() + " cancelled)");
      timedOut.initCause(e);
      throw timedOut;
    }
  }

  /** "1.5 s", "250 ms", "0 s": a duration as a person writes it. */
  static String readable(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return "0 s";
    }
    if (d.toMillis() < 1000) {
      return d.toMillis() > 0 ? d.toMillis() + " ms" : d.toNanos() + " ns";
    }
    return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
  }

  /** asyncio's {@code _cancel_and_wait}. */
  private static void cancelAndWait(CoroutineTask<?> self, AbstractFuture<?> fut) throws Exception {
    LoopFuture<Void> waiter = new LoopFuture<>(self.loop, "waitFor of " + self.name());
    AbstractFuture.DoneCallback release = f -> waiter.setResultIfPending(null);
    fut.addCallback(release);
    try {
      fut.cancelOnLoop();
      self.await(waiter);
    } finally {
      fut.removeCallback(release);
    }
  }

  /** asyncio's {@code gather} without return_exceptions, awaited by the calling task. */
  static <T> List<T> gather(List<AbstractFuture<? extends T>> children) throws Exception {
    CoroutineTask<?> self = Fgbg.requireTask("gather");
    if (children.isEmpty()) {
      return Collections.emptyList();
    }
    for (AbstractFuture<?> child : children) {
      requireSameLoop(self.loop, child);
    }
    for (AbstractFuture<?> child : children) {
      child.markObserved(); // gather throws the first failure and takes the others' (asyncio's)
    }
    Gathering<T> outer = new Gathering<>(self.loop, children, false);
    return self.await(outer);
  }

  /**
   * A future done when every future in {@code children} is, whatever their outcome (asyncio's
   * {@code gather(..., return_exceptions=True)}, as {@code asyncio.run} uses at shutdown). It
   * retrieves no failure: a task that fails while close() cancels it is still reported as never
   * retrieved.
   */
  static AbstractFuture<?> allDone(EventLoop loop, List<AbstractFuture<?>> children) {
    return new Gathering<Object>(loop, children, true);
  }

  /** asyncio's {@code _GatheringFuture} with its {@code _done_callback}. */
  private static final class Gathering<T> extends AbstractFuture<List<T>> {
    private final List<AbstractFuture<? extends T>> children;
    private final boolean returnExceptions;
    private final int distinct;
    private int finished;
    private boolean cancelRequested;
    /** The message of the cancel(message) request that cancelled the children, or null. */
    private String cancelMessage;

    Gathering(EventLoop loop, List<? extends AbstractFuture<? extends T>> children, boolean all) {
      super(loop);
      this.children = new ArrayList<>(children);
      this.returnExceptions = all;
      Set<AbstractFuture<?>> seen =
          Collections.newSetFromMap(new java.util.IdentityHashMap<>(children.size()));
      DoneCallback onChildDone = this::childDone;
      for (AbstractFuture<? extends T> child : children) {
        if (seen.add(child)) {
          child.addCallback(onChildDone);
        }
      }
      this.distinct = seen.size();
    }

    private void childDone(AbstractFuture<?> child) {
      finished++;
      if (isDone()) {
        return;
      }
      if (!returnExceptions) {
        if (child.isCancelled()) {
          String message = child.failureNow().getMessage(); // the child's, as asyncio passes it on
          setException(
              new CancellationException(message != null ? message : child.describe() + " was cancelled"));
          return;
        }
        Throwable failure = child.exception();
        if (failure != null) {
          setException(failure);
          return;
        }
      }
      if (finished == distinct) {
        List<T> results = new ArrayList<>(children.size());
        for (AbstractFuture<? extends T> c : children) {
          // failureNow(): waiting for all (close() cancelling what is left) retrieves no failure
          results.add(c.isDone() && c.failureNow() == null ? resultOf(c) : null);
        }
        if (cancelRequested) {
          setException(
              new CancellationException(cancelMessage != null ? cancelMessage : "gather was cancelled"));
        } else {
          setResult(Collections.unmodifiableList(results));
        }
      }
    }

    private static <T> T resultOf(AbstractFuture<? extends T> c) {
      try {
        return c.resultNow();
      } catch (Exception e) {
        throw new AssertionError("a future that succeeded threw", e);
      }
    }

    /** Cancels the children, not this future: it ends when they do. */
    @Override
    boolean cancelOnLoop() {
      if (isDone()) {
        return false;
      }
      String message = cancelMessage(); // cancel(message): each child gets it, as in asyncio
      boolean any = false;
      for (AbstractFuture<? extends T> child : children) {
        if (child.cancelOnLoop(message)) {
          any = true;
        }
      }
      if (any) {
        cancelRequested = true;
        cancelMessage = message;
      }
      return any;
    }

    @Override
    String describe() {
      return "gather";
    }
  }

  private static void requireSameLoop(EventLoop loop, AbstractFuture<?> f) {
    if (f.loop != loop) {
      throw new IllegalStateException(
          "cannot wait for " + f.describe() + ": it belongs to another event loop");
    }
  }
}
