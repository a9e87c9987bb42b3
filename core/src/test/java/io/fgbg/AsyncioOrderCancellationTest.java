package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;

import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step: cancelling a task, by another task
 * or by itself, at each point of its life, and what it may do with the cancellation. When the
 * cancelled task is awaiting another, see {@link AsyncioOrderCancellationThroughAwaitsTest}.
 *
 * <p>{@link AsyncioOrderSupport} says how each test is one program written twice, in Python and
 * here, and how they are compared.
 */
@Timeout(60)
class AsyncioOrderCancellationTest extends AsyncioOrderSupport {
  @Test
  void aTaskCancelledBeforeItsFirstStepNeverRunsAndIsDoneWhenThatStepComesUp() {
    assertSameOrderAsAsyncio(
        "cancel_before_first_step",
        () -> {
          Coroutine<Integer> body =
              () -> {
                rec("A-body");
                return 1;
              };
          Task<Integer> a = scheduleCoroutine(body);
          Task<Object> b = scheduleCoroutine(worker("B", 3));
          a.addDoneCallback(x -> rec("A-callback-cancelled-" + x.isCancelled()));
          rec("main-cancel-" + a.cancel());
          rec("main-A-done-" + a.isDone());
          for (int i = 0; i < 3; i++) {
            await(sleep(ZERO));
            rec("main" + i + "-A-done-" + a.isDone());
          }
          await(b);
          return null;
        });
  }

  @Test
  void aTaskCancelledWhileYieldingGetsCancellationExceptionAtItsNextStep() {
    assertSameOrderAsAsyncio(
        "cancel_while_in_sleep_zero",
        () -> {
          Coroutine<Object> body =
              () -> {
                try {
                  for (int i = 0; i < 10; i++) {
                    rec("A" + i);
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("A-cancelled");
                  throw e;
                } finally {
                  rec("A-finally");
                }
                return null;
              };
          Task<Object> a = scheduleCoroutine(body);
          Task<Object> b = scheduleCoroutine(worker("B", 4));
          await(sleep(ZERO));
          await(sleep(ZERO));
          rec("main-cancel-" + a.cancel());
          try {
            await(a);
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled-" + a.isCancelled());
          }
          await(b);
          return null;
        });
  }

  @Test
  void aTaskCancelledWhileSleepingOnATimerWakesAtTheNextIteration() {
    assertSameOrderAsAsyncio(
        "cancel_while_sleeping_on_a_timer",
        () -> {
          Coroutine<Object> sleeper =
              () -> {
                rec("A-start");
                try {
                  await(sleep(ofSeconds(10)));
                } catch (CancellationException e) {
                  rec("A-cancelled");
                  throw e;
                }
                return null;
              };
          Task<Object> a = scheduleCoroutine(sleeper);
          Task<Object> t = scheduleCoroutine(worker("T", 5));
          await(sleep(ZERO));
          rec("main-cancel-" + a.cancel());
          try {
            await(a);
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled");
          }
          await(t);
          return null;
        });
  }

  @Test
  void aTaskThatCatchesTheCancellationAndReturnsAValueCompletesWithThatValue() {
    assertSameOrderAsAsyncio(
        "catch_cancel_and_return_value",
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
                  return 42;
                }
              };
          Task<Integer> a = scheduleCoroutine(body);
          await(sleep(ZERO));
          rec("main-cancel-" + a.cancel());
          rec("main-got-" + await(a));
          rec("main-A-cancelled-" + a.isCancelled());
          return null;
        });
  }

  @Test
  void aTaskThatCatchesTheCancellationCanKeepYieldingNormally() {
    assertSameOrderAsAsyncio(
        "catch_cancel_and_keep_yielding",
        () -> {
          Coroutine<String> body =
              () -> {
                try {
                  await(sleep(ZERO));
                  rec("A-not-cancelled");
                } catch (CancellationException e) {
                  rec("A-caught");
                }
                for (int i = 0; i < 3; i++) {
                  rec("A-after" + i);
                  await(sleep(ZERO));
                }
                rec("A-return");
                return "late";
              };
          Task<String> a = scheduleCoroutine(body);
          Task<Object> b = scheduleCoroutine(worker("B", 6));
          await(sleep(ZERO));
          rec("main-cancel-" + a.cancel());
          rec("main-got-" + await(a));
          await(b);
          return null;
        });
  }

  @Test
  void cancelReturnsTrueUntilTheTaskIsDoneAndTwoCancelsRaiseOnce() {
    assertSameOrderAsAsyncio(
        "cancel_return_values",
        () -> {
          Coroutine<String> body =
              () -> {
                for (int i = 0; i < 3; i++) {
                  try {
                    await(sleep(ZERO));
                    rec("A-step" + i);
                  } catch (CancellationException e) {
                    rec("A-caught" + i);
                  }
                }
                return "done";
              };
          Coroutine<Object> never =
              () -> {
                rec("B-body");
                return null;
              };
          Task<String> a = scheduleCoroutine(body);
          Task<Object> b = scheduleCoroutine(never);
          rec("cancel-B-" + b.cancel());
          rec("cancel-B-again-" + b.cancel());
          await(sleep(ZERO));
          rec("cancel-A-" + a.cancel());
          rec("cancel-A-again-" + a.cancel());
          await(sleep(ZERO));
          rec("cancel-A-third-" + a.cancel());
          await(sleep(ZERO));
          await(sleep(ZERO));
          rec("A-done-" + a.isDone() + "-B-done-" + b.isDone());
          rec("cancel-A-after-done-" + a.cancel());
          rec("cancel-B-after-done-" + b.cancel());
          rec("A-result-" + a.result());
          return null;
        });
  }

  @Test
  void aTaskThatCancelsItselfAndReturnsEndsCancelled() {
    assertSameOrderAsAsyncio(
        "self_cancel_then_return",
        () -> {
          Coroutine<Integer> body =
              () -> {
                rec("A-start");
                rec("A-self-cancel-" + currentTask().cancel());
                rec("A-after-cancel");
                return 5;
              };
          Task<Integer> a = scheduleCoroutine(body);
          try {
            rec("main-got-" + await(a));
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled-" + a.isCancelled());
          }
          return null;
        });
  }

  @Test
  void aTaskThatCancelsItselfGetsTheCancellationAtItsNextYield() {
    assertSameOrderAsAsyncio(
        "self_cancel_then_yield",
        () -> {
          Coroutine<Integer> body =
              () -> {
                currentTask().cancel();
                try {
                  await(sleep(ZERO));
                  rec("A-not-cancelled");
                } catch (CancellationException e) {
                  rec("A-caught");
                }
                return 7;
              };
          Task<Integer> a = scheduleCoroutine(body);
          Task<Object> t = scheduleCoroutine(worker("T", 3));
          rec("main-got-" + await(a));
          await(t);
          return null;
        });
  }

  @Test
  void aTaskThatCancelsItselfAndThenThrowsEndsWithItsException() {
    assertSameOrderAsAsyncio(
        "self_cancel_then_raise_ends_with_the_exception",
        () -> {
          Coroutine<Object> body =
              () -> {
                currentTask().cancel();
                throw new IllegalArgumentException("raised-after-self-cancel");
              };
          Task<Object> a = scheduleCoroutine(body);
          try {
            await(a);
          } catch (IllegalArgumentException e) {
            rec("main-caught-" + e.getMessage() + "-A-cancelled-" + a.isCancelled());
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled");
          }
          return null;
        });
  }

  @Test
  void aCancelledTaskThatThrowsAnotherExceptionFailsWithIt() {
    assertSameOrderAsAsyncio(
        "cancelled_task_that_raises_another_exception_fails_with_it",
        () -> {
          Coroutine<Object> body =
              () -> {
                try {
                  while (true) {
                    rec("A-tick");
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("A-converts");
                  throw new IllegalArgumentException("converted");
                }
              };
          Task<Object> a = scheduleCoroutine(body);
          await(sleep(ZERO));
          rec("main-cancel-" + a.cancel());
          try {
            await(a);
          } catch (IllegalArgumentException e) {
            rec("main-caught-" + e.getMessage() + "-A-cancelled-" + a.isCancelled());
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled");
          }
          return null;
        });
  }
}
