package io.fgbg;

import java.util.concurrent.CancellationException;

/**
 * Thread regime: everything here runs on the loop, holding its baton: the awaiting task's own step
 * sets the shield up, and the two done callbacks run as loop callbacks. The outer future is touched
 * by nothing else.
 *
 * <p>asyncio's {@code shield}, ported step for step (Python 3.11, {@code Lib/asyncio/tasks.py}): an
 * outer future that follows an inner task, so that cancelling the task that awaits the outer
 * cancels the outer only, while the inner goes on.
 *
 * <p>Hops: as in asyncio, the inner's completion schedules {@code innerDone} (one hop), which
 * completes the outer, whose completion wakes the awaiting task (a second hop).
 */
final class Shield {
  private Shield() {}

  /**
   * asyncio's {@code await shield(inner)}, in the calling task: the inner's outcome, or a {@link
   * CancellationException} if the caller or the inner was cancelled meanwhile.
   */
  static <T> T await(AbstractFuture<T> inner) throws Exception {
    CoroutineTask<?> self = Fgbg.requireTask("shield");
    if (inner.loop != self.loop) {
      throw new IllegalStateException(
          "cannot shield " + inner.describe() + ": it belongs to another event loop");
    }
    if (inner.isDone()) {
      return self.await(inner); // asyncio's shortcut: the inner itself, which does not yield
    }
    LoopFuture<T> outer = new LoopFuture<>(inner.loop, "shield of " + inner.describe());
    AbstractFuture.DoneCallback innerDone = f -> innerDone(inner, outer);
    inner.addCallback(innerDone);
    AbstractFuture.DoneCallback outerDone = f -> outerDone(inner, innerDone);
    outer.addCallback(outerDone); // ahead of the awaiting task's wake-up, as in asyncio
    return self.await(outer);
  }

  /** asyncio's {@code _inner_done_callback}: hands the inner's outcome to the outer. */
  private static <T> void innerDone(AbstractFuture<T> inner, LoopFuture<T> outer) {
    if (outer.isCancelled()) {
      if (!inner.isCancelled()) {
        inner.exception(); // asyncio marks the inner's result as retrieved
      }
      return;
    }
    if (inner.isCancelled()) {
      // asyncio's outer.cancel(); fgbg keeps the inner's own exception, as await of it would
      outer.setCancelled((CancellationException) inner.failureNow());
      return;
    }
    Throwable failure = inner.exception();
    if (failure != null) {
      outer.setException(failure);
    } else {
      outer.setResult(resultOf(inner));
    }
  }

  /** asyncio's {@code _outer_done_callback}: an outer that is done no longer follows the inner. */
  private static void outerDone(AbstractFuture<?> inner, AbstractFuture.DoneCallback innerDone) {
    if (!inner.isDone()) {
      inner.removeCallback(innerDone);
    }
  }

  private static <T> T resultOf(AbstractFuture<T> succeeded) {
    try {
      return succeeded.resultNow();
    } catch (Exception e) {
      throw new AssertionError("a future that succeeded threw", e);
    }
  }
}
