package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitFor;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step: {@code waitFor}
 * (asyncio.wait_for) with zero, expiring and generous timeouts, and cancelling its caller.
 *
 * <p>{@link AsyncioOrderSupport} says how each test is one program written twice, in Python and
 * here, and how they are compared.
 */
@Timeout(60)
class AsyncioOrderWaitForTest extends AsyncioOrderSupport {
  @Test
  void waitForWithZeroTimeoutCancelsThePendingTaskWaitsForItsCleanupThenTimesOut() {
    assertSameOrderAsAsyncio(
        "wait_for_zero_timeout_cancels_and_waits",
        () -> {
          Coroutine<Object> body =
              () -> {
                try {
                  while (true) {
                    rec("A-tick");
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("A-cancelled");
                  await(sleep(ZERO));
                  rec("A-cleanup-done");
                  throw e;
                }
              };
          Task<Object> a = scheduleCoroutine(body);
          Task<Object> t = scheduleCoroutine(worker("T", 6));
          await(sleep(ZERO));
          try {
            await(waitFor(a, ZERO));
            rec("main-not-timed-out");
          } catch (TimeoutException e) {
            rec("main-timeout-A-cancelled-" + a.isCancelled());
          }
          await(t);
          return null;
        });
  }

  @Test
  void waitForWithZeroTimeoutOnADoneTaskReturnsItsResultWithoutYielding() {
    assertSameOrderAsAsyncio(
        "wait_for_zero_timeout_on_done_task_returns_result",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 0, "a"));
          Task<Object> t = scheduleCoroutine(worker("T", 3));
          await(sleep(ZERO));
          rec("main-got-" + await(waitFor(a, ZERO)));
          await(t);
          return null;
        });
  }

  @Test
  void waitForReturnsTheValueOfATaskThatSwallowsTheTimeoutCancellation() {
    assertSameOrderAsAsyncio(
        "wait_for_zero_timeout_swallowed_cancellation_returns_value",
        () -> {
          Coroutine<Integer> body =
              () -> {
                try {
                  while (true) {
                    rec("A-tick");
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("A-caught");
                  return 9;
                }
              };
          Task<Integer> a = scheduleCoroutine(body);
          await(sleep(ZERO));
          rec("main-got-" + await(waitFor(a, ZERO)) + "-A-cancelled-" + a.isCancelled());
          return null;
        });
  }

  @Test
  void waitForWithAGenerousTimeoutResumesTwoHopsAfterTheTaskCompletes() {
    assertSameOrderAsAsyncio(
        "wait_for_generous_timeout_resumes_two_hops_after_completion",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 2, "a"));
          Task<Object> t = scheduleCoroutine(worker("T", 7));
          rec("main-got-" + await(waitFor(a, ofSeconds(10))));
          await(t);
          return null;
        });
  }

  @Test
  void waitForWhoseTimerExpiresCancelsTheTaskAndTimesOutAfterItsCleanup() {
    assertSameOrderAsAsyncio(
        "wait_for_expired_timer_cancels_task",
        () -> {
          Coroutine<Object> sleeper =
              () -> {
                rec("A-start");
                try {
                  await(sleep(ofSeconds(10)));
                  rec("A-woke");
                } catch (CancellationException e) {
                  rec("A-cancelled");
                  throw e;
                } finally {
                  rec("A-finally");
                }
                return null;
              };
          Task<Object> a = scheduleCoroutine(sleeper);
          try {
            await(waitFor(a, ofMillis(50)));
            rec("main-not-timed-out");
          } catch (TimeoutException e) {
            rec("main-timeout-A-cancelled-" + a.isCancelled());
          }
          return null;
        });
  }

  @Test
  void waitForOfACoroutineRunsItAsANewTaskWithATimeoutAndInlineWithout() {
    assertSameOrderAsAsyncio(
        "wait_for_coroutine_with_timeout_runs_it_as_a_task",
        () -> {
          Task<?> mainTask = currentTask();
          Coroutine<String> body =
              () -> {
                rec("body-in-main-" + (currentTask() == mainTask));
                await(sleep(ZERO));
                return "w";
              };
          Task<Object> t = scheduleCoroutine(worker("T", 5));
          rec("main-got-" + await(waitFor(body, ofSeconds(10))));
          rec("main-got-inline-" + await(waitFor(body, null)));
          await(t);
          return null;
        });
  }

  @Test
  void cancellingATaskInWaitForCancelsTheAwaitedTaskAndWaitsForItsCleanup() {
    assertSameOrderAsAsyncio(
        "cancelling_wait_for_caller_cancels_and_waits_for_task",
        () -> {
          Coroutine<Object> body =
              () -> {
                try {
                  while (true) {
                    rec("A-tick");
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("A-cancelled");
                  await(sleep(ZERO));
                  rec("A-cleanup-done");
                  throw e;
                }
              };
          Task<Object> a = scheduleCoroutine(body);
          Coroutine<Object> caller =
              () -> {
                try {
                  await(waitFor(a, ofSeconds(10)));
                } catch (CancellationException e) {
                  rec("W-cancelled-A-done-" + a.isDone());
                  throw e;
                }
                return null;
              };
          Task<Object> w = scheduleCoroutine(caller);
          await(sleep(ZERO));
          await(sleep(ZERO));
          rec("main-cancel-" + w.cancel());
          try {
            await(w);
          } catch (CancellationException e) {
            rec("main-saw-W-cancelled-A-cancelled-" + a.isCancelled());
          }
          return null;
        });
  }

  @Test
  void waitForThrowsTheTaskExceptionTwoHopsAfterTheTaskFails() {
    assertSameOrderAsAsyncio(
        "wait_for_propagates_the_task_exception",
        () -> {
          Coroutine<Object> bad =
              () -> {
                rec("A-start");
                await(sleep(ZERO));
                throw new IllegalArgumentException("a-failed");
              };
          Task<Object> a = scheduleCoroutine(bad);
          Task<Object> t = scheduleCoroutine(worker("T", 5));
          try {
            await(waitFor(a, ofSeconds(10)));
            rec("main-not-failed");
          } catch (IllegalArgumentException e) {
            rec("main-caught-" + e.getMessage());
          }
          await(t);
          return null;
        });
  }

  @Test
  void cancellingATaskInWaitForAfterTheAwaitedTaskFinishedReturnsItsResult() {
    assertSameOrderAsAsyncio(
        "cancelling_wait_for_after_the_task_finished_returns_the_result",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          Coroutine<String> caller =
              () -> {
                String v = await(waitFor(a, ofSeconds(10)));
                rec("W-got-" + v);
                return v;
              };
          Task<String> w = scheduleCoroutine(caller);
          while (!a.isDone()) {
            await(sleep(ZERO));
          }
          rec("main-cancel-" + w.cancel());
          try {
            rec("main-got-" + await(w) + "-W-cancelled-" + w.isCancelled());
          } catch (CancellationException e) {
            rec("main-saw-W-cancelled");
          }
          return null;
        });
  }
}
