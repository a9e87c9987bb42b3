package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;

import java.util.concurrent.CancellationException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step, at the end of a run: {@code
 * loop.close()} after {@code runInForeground(main)} does what asyncio.run does once main is done
 * (cancels the leftover tasks and runs them through their cleanup), whether main returned, threw
 * or was cancelled.
 *
 * <p>{@link AsyncioOrderSupport} says how each test is one program written twice, in Python and
 * here, and how they are compared.
 */
@Timeout(60)
class AsyncioOrderEndOfRunTest extends AsyncioOrderSupport {
  @Test
  void aTaskStillPendingWhenMainReturnsIsCancelledByCloseAndRunsItsCleanup() {
    assertSameOrderAsAsyncio(
        "leftover_task_cancelled_after_main_returns",
        () -> {
          Coroutine<Object> body =
              () -> {
                try {
                  for (int i = 0; i < 100; i++) {
                    rec("L" + i);
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("L-cancelled");
                  throw e;
                } finally {
                  rec("L-finally");
                }
                return null;
              };
          scheduleCoroutine(body);
          await(sleep(ZERO));
          await(sleep(ZERO));
          rec("main-return");
          return "m";
        });
  }

  @Test
  void aTaskCreatedAsMainReturnsRunsItsFirstStepBeforeCloseCancelsIt() {
    assertSameOrderAsAsyncio(
        "leftover_created_as_main_returns_runs_first_step",
        () -> {
          Coroutine<Object> body =
              () -> {
                rec("L-start");
                try {
                  while (true) {
                    rec("L-tick");
                    await(sleep(ZERO));
                  }
                } finally {
                  rec("L-finally");
                }
              };
          scheduleCoroutine(body);
          rec("main-return");
          return null;
        });
  }

  @Test
  void aTaskCreatedAfterMainReturnedIsCancelledByCloseBeforeItsBodyRuns() {
    assertSameOrderAsAsyncio(
        "leftover_created_after_main_returns_never_starts",
        () -> {
          Coroutine<Object> late =
              () -> {
                rec("L-body");
                return null;
              };
          Coroutine<Object> spawner =
              () -> {
                rec("S-start");
                Task<Object> lt = scheduleCoroutine(late);
                lt.addDoneCallback(x -> rec("L-callback-cancelled-" + x.isCancelled()));
                rec("S-end");
                return null;
              };
          scheduleCoroutine(spawner);
          rec("main-return");
          return null;
        });
  }

  @Test
  void closeWaitsForALeftoverTaskThatSwallowsTheCancellationAndKeepsYielding() {
    assertSameOrderAsAsyncio(
        "leftover_swallows_cancellation_and_keeps_yielding",
        () -> {
          Coroutine<String> body =
              () -> {
                try {
                  while (true) {
                    rec("L-tick");
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("L-caught");
                }
                for (int i = 0; i < 3; i++) {
                  rec("L-cleanup" + i);
                  await(sleep(ZERO));
                }
                rec("L-return");
                return "l";
              };
          scheduleCoroutine(body);
          await(sleep(ZERO));
          rec("main-return");
          return null;
        });
  }

  /**
   * asyncio cancels the leftovers in the order of a set, which is not deterministic; this program
   * does not depend on it, because both leftovers are suspended at a bare yield, where cancel()
   * only sets a flag and their steps keep their ready-queue order.
   */
  @Test
  void twoLeftoverTasksAtAYieldAreCancelledInReadyQueueOrder() {
    assertSameOrderAsAsyncio(
        "two_leftovers_at_sleep_zero",
        () -> {
          Function<String, Coroutine<Object>> body =
              name ->
                  () -> {
                    try {
                      for (int i = 0; i < 100; i++) {
                        rec(name + i);
                        await(sleep(ZERO));
                      }
                    } catch (CancellationException e) {
                      rec(name + "-cancelled");
                      await(sleep(ZERO));
                      rec(name + "-cleanup-done");
                      throw e;
                    }
                    return null;
                  };
          scheduleCoroutine(body.apply("L"));
          scheduleCoroutine(body.apply("M"));
          await(sleep(ZERO));
          rec("main-return");
          return null;
        });
  }

  @Test
  void whenMainThrowsTheLeftoverTasksAreStillCancelledBeforeTheExceptionComesOut() {
    assertSameOrderAsAsyncio(
        "main_raises_with_a_leftover_task",
        () -> {
          Coroutine<Object> body =
              () -> {
                try {
                  while (true) {
                    rec("L-tick");
                    await(sleep(ZERO));
                  }
                } finally {
                  rec("L-finally");
                }
              };
          scheduleCoroutine(body);
          await(sleep(ZERO));
          rec("main-raise");
          throw new IllegalArgumentException("main-failed");
        });
  }

  @Test
  void aMainTaskCancelledByAChildEndsTheRunCancelledAfterTheExtraIteration() {
    assertSameOrderAsAsyncio(
        "main_cancelled_by_a_child_task",
        () -> {
          Task<?> mainTask = currentTask();
          Coroutine<Object> killer =
              () -> {
                rec("K-start");
                await(sleep(ZERO));
                rec("K-cancels-main-" + mainTask.cancel());
                await(sleep(ZERO));
                rec("K-end");
                return null;
              };
          scheduleCoroutine(killer);
          try {
            for (int i = 0; i < 10; i++) {
              rec("main" + i);
              await(sleep(ZERO));
            }
          } finally {
            rec("main-finally");
          }
          return null;
        });
  }

  /**
   * asyncio cancels the leftovers in the order of a set; this program does not depend on it:
   * whichever of O and I is cancelled first, I (at a bare yield) ends up with the cancel flag and
   * O keeps waiting for it.
   */
  @Test
  void aLeftoverAwaitingAnotherLeftoverIsCancelledThroughIt() {
    assertSameOrderAsAsyncio(
        "leftover_awaiting_another_leftover",
        () -> {
          Coroutine<Object> inner =
              () -> {
                try {
                  while (true) {
                    rec("I-tick");
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("I-cancelled");
                  throw e;
                }
              };
          Function<Task<Object>, Coroutine<Object>> outer =
              i ->
                  () -> {
                    try {
                      await(i);
                    } catch (CancellationException e) {
                      rec("O-cancelled-I-cancelled-" + i.isCancelled());
                      throw e;
                    }
                    return null;
                  };
          Task<Object> i = scheduleCoroutine(inner);
          scheduleCoroutine(outer.apply(i));
          await(sleep(ZERO));
          rec("main-return");
          return null;
        });
  }

  /**
   * asyncio.run cancels the leftovers once: a task that their cleanup creates is not cancelled,
   * it runs on through the shutdown iterations (here it finishes within them). fgbg's close()
   * cancels what is still pending only after those iterations.
   */
  @Test
  void aTaskCreatedByALeftoversCleanupRunsThroughTheShutdownWithoutBeingCancelled() {
    assertSameOrderAsAsyncio(
        "leftover_cleanup_creates_a_task",
        () -> {
          Coroutine<Object> helper =
              () -> {
                try {
                  for (int i = 0; i < 3; i++) {
                    rec("N" + i);
                    await(sleep(ZERO));
                  }
                  rec("N-end");
                } catch (CancellationException e) {
                  rec("N-cancelled");
                  throw e;
                }
                return null;
              };
          Coroutine<Object> body =
              () -> {
                try {
                  while (true) {
                    rec("L-tick");
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("L-cancelled-creates-N");
                  scheduleCoroutine(helper);
                  throw e;
                }
              };
          scheduleCoroutine(body);
          await(sleep(ZERO));
          rec("main-return");
          return null;
        });
  }
}
