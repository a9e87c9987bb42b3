package io.fgbg;

import static io.fgbg.Fgbg.asCompleted;
import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.shield;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step: {@code shield} (asyncio.shield)
 * and {@code asCompleted} (asyncio.as_completed), their two hops, failures, cancellations and
 * timeout.
 *
 * <p>{@link AsyncioOrderSupport} says how each test is one program written twice, in Python and
 * here, and how they are compared.
 */
@Timeout(60)
class AsyncioOrderShieldAndAsCompletedTest extends AsyncioOrderSupport {
  // ------------------------------------------------------------------ shield

  @Test
  void shieldWakesItsAwaiterTwoHopsAfterTheInnerTaskCompletes() {
    assertSameOrderAsAsyncio(
        "shield_wakes_awaiter_two_hops_after_inner",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 2, "a"));
          Task<Object> t = scheduleCoroutine(worker("T", 6));
          rec("main-got-" + await(shield(a)));
          await(t);
          return null;
        });
  }

  @Test
  void shieldOfADoneTaskDoesNotYieldAndAFailurePassesThrough() {
    assertSameOrderAsAsyncio(
        "shield_of_done_task_does_not_yield_and_passes_failure",
        () -> {
          Coroutine<String> bad =
              () -> {
                rec("B-start");
                await(sleep(ZERO));
                throw new IllegalArgumentException("boom");
              };
          Task<String> a = scheduleCoroutine(worker("A", 0, "a"));
          Task<Object> t = scheduleCoroutine(worker("T", 4));
          await(sleep(ZERO));
          rec("main-A-done-" + a.isDone());
          rec("main-got-" + await(shield(a)));
          Task<String> b = scheduleCoroutine(bad);
          try {
            await(shield(b));
          } catch (IllegalArgumentException e) {
            rec("main-caught-" + e.getMessage());
          }
          await(t);
          return null;
        });
  }

  @Test
  void cancellingATaskThatAwaitsAShieldLeavesTheInnerTaskRunning() {
    assertSameOrderAsAsyncio(
        "cancelling_task_awaiting_shield_leaves_inner_running",
        () -> {
          Task<String> inner = scheduleCoroutine(worker("I", 4, "i"));
          Coroutine<String> guard =
              () -> {
                try {
                  return await(shield(inner));
                } catch (CancellationException e) {
                  rec("G-cancelled-I-done-" + inner.isDone());
                  throw e;
                }
              };
          Task<String> g = scheduleCoroutine(guard);
          await(sleep(ZERO));
          await(sleep(ZERO));
          rec("main-cancel-" + g.cancel());
          try {
            await(g);
          } catch (CancellationException e) {
            rec("main-saw-G-cancelled-I-cancelled-" + inner.isCancelled());
          }
          rec("main-got-" + await(inner));
          return null;
        });
  }

  @Test
  void aShieldedTaskCancelledFromOutsideCancelsTheAwaiter() {
    assertSameOrderAsAsyncio(
        "shielded_inner_cancelled_cancels_awaiter",
        () -> {
          Task<String> inner = scheduleCoroutine(worker("I", 5, "i"));
          Coroutine<String> guard =
              () -> {
                try {
                  return await(shield(inner));
                } catch (CancellationException e) {
                  rec("G-cancelled");
                  throw e;
                }
              };
          Task<String> g = scheduleCoroutine(guard);
          await(sleep(ZERO));
          rec("main-cancel-inner-" + inner.cancel());
          try {
            await(g);
          } catch (CancellationException e) {
            rec("main-saw-G-cancelled-" + g.isCancelled());
          }
          return null;
        });
  }

  // ------------------------------------------------------------------ asCompleted

  @Test
  void asCompletedGivesResultsAndFailuresInCompletionOrderTwoHopsAfterEach() {
    assertSameOrderAsAsyncio(
        "as_completed_in_completion_order_two_hops_after_each",
        () -> {
          Coroutine<String> bad =
              () -> {
                rec("C-start");
                await(sleep(ZERO));
                await(sleep(ZERO));
                throw new IllegalArgumentException("c-failed");
              };
          Task<String> a = scheduleCoroutine(worker("A", 3, "a"));
          Task<String> b = scheduleCoroutine(worker("B", 1, "b"));
          Task<String> c = scheduleCoroutine(bad);
          Task<Object> t = scheduleCoroutine(worker("T", 8));
          for (Coroutine<String> f : asCompleted(List.of(a, b, c), null)) {
            try {
              rec("main-got-" + await(f));
            } catch (IllegalArgumentException e) {
              rec("main-caught-" + e.getMessage());
            }
          }
          await(t);
          return null;
        });
  }

  @Test
  void asCompletedThrowsTimeoutForEachTaskNotDoneAtTheDeadlineAndCancelsNothing() {
    assertSameOrderAsAsyncio(
        "as_completed_timeout_raises_for_each_remaining",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          Task<String> b = scheduleCoroutine(sleep(ofSeconds(10), "b"));
          Task<String> c = scheduleCoroutine(sleep(ofSeconds(10), "c"));
          for (Coroutine<String> f : asCompleted(List.of(a, b, c), ofMillis(50))) {
            try {
              rec("main-got-" + await(f));
            } catch (TimeoutException e) {
              rec("main-timeout-B-done-" + b.isDone() + "-C-cancelled-" + c.isCancelled());
            }
          }
          rec("main-end");
          return null;
        });
  }
}
