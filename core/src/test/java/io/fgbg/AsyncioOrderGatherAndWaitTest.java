package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step: {@code gather} (asyncio.gather)
 * and {@code waitTasks} (asyncio.wait), their results, failures and cancellations.
 *
 * <p>{@link AsyncioOrderSupport} says how each test is one program written twice, in Python and
 * here, and how they are compared.
 */
@Timeout(60)
class AsyncioOrderGatherAndWaitTest extends AsyncioOrderSupport {
  // ------------------------------------------------------------------ gather

  @Test
  void gatherReturnsResultsInArgumentOrderTwoHopsAfterTheLastTaskCompletes() {
    assertSameOrderAsAsyncio(
        "gather_results_in_argument_order",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 3, "a"));
          Task<String> b = scheduleCoroutine(worker("B", 1, "b"));
          Task<String> c = scheduleCoroutine(worker("C", 0, "c"));
          Task<Object> t = scheduleCoroutine(worker("T", 8));
          List<String> r = await(gather(List.of(a, b, c)));
          rec("main-got-" + String.join(",", r));
          await(t);
          return null;
        });
  }

  @Test
  void gatherThrowsTheFirstFailureAndLeavesTheOtherTasksRunning() {
    assertSameOrderAsAsyncio(
        "gather_first_failure_leaves_others_running",
        () -> {
          Coroutine<String> bad =
              () -> {
                rec("A-start");
                await(sleep(ZERO));
                throw new IllegalArgumentException("a-failed");
              };
          Task<String> a = scheduleCoroutine(bad);
          Task<String> b = scheduleCoroutine(worker("B", 4, "b"));
          try {
            await(gather(List.of(a, b)));
          } catch (IllegalArgumentException e) {
            rec("main-caught-" + e.getMessage() + "-B-done-" + b.isDone());
          }
          rec("main-got-" + await(b));
          return null;
        });
  }

  @Test
  void gatherOfTheSameTaskTwiceGivesItsResultTwice() {
    assertSameOrderAsAsyncio(
        "gather_of_same_task_twice",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          Task<Object> t = scheduleCoroutine(worker("T", 4));
          List<String> r = await(gather(List.of(a, a)));
          rec("main-got-" + String.join(",", r));
          await(t);
          return null;
        });
  }

  @Test
  void gatherOfNoTasksDoesNotYield() {
    assertSameOrderAsAsyncio(
        "gather_of_nothing_does_not_yield",
        () -> {
          Task<Object> t = scheduleCoroutine(worker("T", 2));
          await(sleep(ZERO));
          List<Object> r = await(Fgbg.<Object>gather(List.of()));
          rec("main-got-" + r.size());
          await(t);
          return null;
        });
  }

  @Test
  void cancellingATaskThatAwaitsGatherCancelsEveryChild() {
    assertSameOrderAsAsyncio(
        "cancelling_a_gathering_task_cancels_children",
        () -> {
          Function<String, Coroutine<Object>> child =
              name ->
                  () -> {
                    try {
                      for (int i = 0; i < 10; i++) {
                        rec(name + i);
                        await(sleep(ZERO));
                      }
                    } catch (CancellationException e) {
                      rec(name + "-cancelled");
                      throw e;
                    }
                    return null;
                  };
          Task<Object> a = scheduleCoroutine(child.apply("A"));
          Task<Object> b = scheduleCoroutine(child.apply("B"));
          Coroutine<Object> gatherer =
              () -> {
                try {
                  await(gather(List.of(a, b)));
                } catch (CancellationException e) {
                  rec("G-cancelled-A-done-" + a.isDone() + "-B-done-" + b.isDone());
                  throw e;
                }
                return null;
              };
          Task<Object> g = scheduleCoroutine(gatherer);
          await(sleep(ZERO));
          await(sleep(ZERO));
          rec("main-cancel-" + g.cancel());
          try {
            await(g);
          } catch (CancellationException e) {
            rec("main-saw-G-cancelled-A-" + a.isCancelled() + "-B-" + b.isCancelled());
          }
          await(sleep(ZERO));
          rec("main-end-A-" + a.isCancelled() + "-B-" + b.isCancelled());
          return null;
        });
  }

  @Test
  void gatherThrowsCancellationToItsAwaiterWhenAChildIsCancelledFromOutside() {
    assertSameOrderAsAsyncio(
        "gather_child_cancelled_from_outside_raises_cancellation_in_awaiter",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 3, "a"));
          Task<String> b = scheduleCoroutine(worker("B", 5, "b"));
          Coroutine<Object> canceller =
              () -> {
                await(sleep(ZERO));
                rec("X-cancels-A-" + a.cancel());
                return null;
              };
          Task<Object> x = scheduleCoroutine(canceller);
          try {
            await(gather(List.of(a, b)));
            rec("main-not-cancelled");
          } catch (CancellationException e) {
            rec("main-caught-cancellation-A-" + a.isCancelled() + "-B-done-" + b.isDone());
          }
          rec("main-got-" + await(b));
          await(x);
          return null;
        });
  }

  @Test
  void aCancelledGatherWhoseChildrenSwallowTheCancellationStillThrowsCancellation() {
    assertSameOrderAsAsyncio(
        "cancelled_gather_whose_children_swallow_still_raises_cancellation",
        () -> {
          java.util.function.BiFunction<String, String, Coroutine<String>> child =
              (name, value) ->
                  () -> {
                    try {
                      while (true) {
                        rec(name + "-tick");
                        await(sleep(ZERO));
                      }
                    } catch (CancellationException e) {
                      rec(name + "-swallowed");
                      return value;
                    }
                  };
          Task<String> a = scheduleCoroutine(child.apply("A", "a"));
          Task<String> b = scheduleCoroutine(child.apply("B", "b"));
          Coroutine<Object> gatherer =
              () -> {
                try {
                  List<String> r = await(gather(List.of(a, b)));
                  rec("G-got-" + String.join(",", r));
                } catch (CancellationException e) {
                  rec("G-cancelled-A-" + a.result() + "-B-" + b.result());
                  throw e;
                }
                return null;
              };
          Task<Object> g = scheduleCoroutine(gatherer);
          await(sleep(ZERO));
          rec("main-cancel-" + g.cancel());
          try {
            await(g);
          } catch (CancellationException e) {
            rec("main-saw-G-cancelled-" + g.isCancelled());
          }
          return null;
        });
  }

  // ------------------------------------------------------------------ waitTasks

  @Test
  void waitFirstCompletedResumesTwoHopsAfterTheFirstTaskIsDone() {
    assertSameOrderAsAsyncio(
        "wait_first_completed",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          Task<String> b = scheduleCoroutine(worker("B", 3, "b"));
          Task<Object> t = scheduleCoroutine(worker("T", 6));
          Map<Task<?>, String> labels = labels(a, "A", b, "B");
          WaitResult r = await(waitTasks(List.of(a, b), null, ReturnWhen.FIRST_COMPLETED));
          rec("main-woke-done-" + names(r.done(), labels) + "-pending-" + names(r.pending(), labels));
          await(b);
          await(t);
          return null;
        });
  }

  @Test
  void waitFirstExceptionResumesTwoHopsAfterTheFirstFailure() {
    assertSameOrderAsAsyncio(
        "wait_first_exception",
        () -> {
          Coroutine<String> bad =
              () -> {
                rec("B-start");
                await(sleep(ZERO));
                await(sleep(ZERO));
                throw new IllegalArgumentException("b-failed");
              };
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          Task<String> b = scheduleCoroutine(bad);
          Task<String> c = scheduleCoroutine(worker("C", 5, "c"));
          Task<Object> t = scheduleCoroutine(worker("T", 7));
          Map<Task<?>, String> labels = labels(a, "A", b, "B", c, "C");
          WaitResult r = await(waitTasks(List.of(a, b, c), null, ReturnWhen.FIRST_EXCEPTION));
          rec("main-woke-done-" + names(r.done(), labels) + "-pending-" + names(r.pending(), labels));
          rec("main-B-exception-" + b.exception().getMessage());
          await(c);
          await(t);
          return null;
        });
  }

  @Test
  void waitFirstExceptionWithoutAFailureWaitsForEveryTask() {
    assertSameOrderAsAsyncio(
        "wait_first_exception_without_failure_waits_for_all",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          Task<String> b = scheduleCoroutine(worker("B", 3, "b"));
          Task<Object> t = scheduleCoroutine(worker("T", 7));
          Map<Task<?>, String> labels = labels(a, "A", b, "B");
          WaitResult r = await(waitTasks(List.of(a, b), null, ReturnWhen.FIRST_EXCEPTION));
          rec("main-woke-done-" + names(r.done(), labels) + "-pending-" + names(r.pending(), labels));
          await(t);
          return null;
        });
  }

  @Test
  void waitAllCompletedResumesTwoHopsAfterTheLastTaskIsDone() {
    assertSameOrderAsAsyncio(
        "wait_all_completed",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          Task<String> b = scheduleCoroutine(worker("B", 3, "b"));
          Task<Object> t = scheduleCoroutine(worker("T", 7));
          Map<Task<?>, String> labels = labels(a, "A", b, "B");
          WaitResult r = await(waitTasks(List.of(a, b), null, ReturnWhen.ALL_COMPLETED));
          rec("main-woke-done-" + names(r.done(), labels) + "-pending-" + names(r.pending(), labels));
          await(t);
          return null;
        });
  }

  @Test
  void waitOnTasksThatAreAlreadyDoneStillSuspendsForTwoHops() {
    assertSameOrderAsAsyncio(
        "wait_on_already_done_tasks_still_yields",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 0, "a"));
          Task<String> b = scheduleCoroutine(worker("B", 0, "b"));
          Task<Object> t = scheduleCoroutine(worker("T", 5));
          Map<Task<?>, String> labels = labels(a, "A", b, "B");
          await(sleep(ZERO));
          rec("main-A-done-" + a.isDone() + "-B-done-" + b.isDone());
          WaitResult r = await(waitTasks(List.of(a, b), null, ReturnWhen.FIRST_COMPLETED));
          rec("main-woke-done-" + names(r.done(), labels) + "-pending-" + names(r.pending(), labels));
          await(t);
          return null;
        });
  }

  @Test
  void waitWithATimeoutThatExpiresReturnsTheTaskAsPendingWithoutCancellingIt() {
    assertSameOrderAsAsyncio(
        "wait_with_timeout_returns_pending_tasks",
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
          Map<Task<?>, String> labels = labels(a, "A");
          WaitResult r = await(waitTasks(List.of(a), ofMillis(50), ReturnWhen.ALL_COMPLETED));
          rec("main-woke-done-" + names(r.done(), labels) + "-pending-" + names(r.pending(), labels));
          rec("main-cancel-" + a.cancel());
          try {
            await(a);
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled");
          }
          return null;
        });
  }

  @Test
  void cancellingATaskInWaitTasksLeavesTheWaitedTasksRunning() {
    assertSameOrderAsAsyncio(
        "cancelling_a_waiting_task_leaves_the_waited_tasks_alone",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 3, "a"));
          Task<String> b = scheduleCoroutine(worker("B", 5, "b"));
          Coroutine<Object> waiter =
              () -> {
                try {
                  await(waitTasks(List.of(a, b), null, ReturnWhen.ALL_COMPLETED));
                } catch (CancellationException e) {
                  rec("W-cancelled-A-done-" + a.isDone() + "-B-done-" + b.isDone());
                  throw e;
                }
                return null;
              };
          Task<Object> w = scheduleCoroutine(waiter);
          await(sleep(ZERO));
          rec("main-cancel-" + w.cancel());
          try {
            await(w);
          } catch (CancellationException e) {
            rec("main-saw-W-cancelled");
          }
          rec("main-got-" + await(a) + "-" + await(b));
          return null;
        });
  }
}
