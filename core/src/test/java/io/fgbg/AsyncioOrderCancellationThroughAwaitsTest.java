package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step: cancelling a task that awaits
 * another task (which gets cancelled in its place), down chains of awaits, and awaiting a task
 * that is cancelled.
 *
 * <p>{@link AsyncioOrderSupport} says how each test is one program written twice, in Python and
 * here, and how they are compared.
 */
@Timeout(60)
class AsyncioOrderCancellationThroughAwaitsTest extends AsyncioOrderSupport {
  @Test
  void cancellingATaskThatAwaitsAnotherCancelsTheInnerTaskFirst() {
    assertSameOrderAsAsyncio(
        "cancel_while_awaiting_task_cancels_inner",
        () -> {
          Coroutine<Object> inner =
              () -> {
                try {
                  for (int i = 0; i < 10; i++) {
                    rec("B" + i);
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("B-cancelled");
                  throw e;
                }
                return null;
              };
          Function<Task<Object>, Coroutine<Object>> outer =
              inner2 ->
                  () -> {
                    try {
                      await(inner2);
                    } catch (CancellationException e) {
                      rec("A-cancelled-B-done-" + inner2.isDone());
                      throw e;
                    }
                    return null;
                  };
          Task<Object> b = scheduleCoroutine(inner);
          Task<Object> a = scheduleCoroutine(outer.apply(b));
          Task<Object> t = scheduleCoroutine(worker("T", 4));
          await(sleep(ZERO));
          await(sleep(ZERO));
          rec("main-cancel-" + a.cancel() + "-B-cancelled-" + b.isCancelled());
          try {
            await(a);
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled-B-cancelled-" + b.isCancelled());
          }
          await(t);
          return null;
        });
  }

  @Test
  void cancellingATaskThatAwaitsAnUnstartedTaskCancelsThatTaskBeforeItsBodyRuns() {
    assertSameOrderAsAsyncio(
        "cancel_task_awaiting_unstarted_task",
        () -> {
          List<Task<Integer>> holder = new ArrayList<>();
          Coroutine<Integer> inner =
              () -> {
                rec("B-body");
                return 1;
              };
          Coroutine<Object> outer =
              () -> {
                rec("A-start");
                Task<Integer> b = scheduleCoroutine(inner);
                holder.add(b);
                try {
                  await(b);
                } catch (CancellationException e) {
                  rec("A-cancelled-B-cancelled-" + b.isCancelled());
                  throw e;
                }
                return null;
              };
          Task<Object> a = scheduleCoroutine(outer);
          await(sleep(ZERO));
          rec("main-cancel-" + a.cancel() + "-B-done-" + holder.get(0).isDone());
          try {
            await(a);
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled");
          }
          return null;
        });
  }

  @Test
  void aCancelledTaskAwaitingATaskThatSwallowsTheCancellationGetsThatTasksResult() {
    assertSameOrderAsAsyncio(
        "awaiting_task_that_swallows_cancellation_returns_its_result",
        () -> {
          Coroutine<String> inner =
              () -> {
                try {
                  while (true) {
                    rec("B-tick");
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("B-swallowed");
                  return "b-value";
                }
              };
          Function<Task<String>, Coroutine<String>> outer =
              inner2 ->
                  () -> {
                    String v = await(inner2);
                    rec("A-got-" + v);
                    await(sleep(ZERO));
                    rec("A-after-yield");
                    return v;
                  };
          Task<String> b = scheduleCoroutine(inner);
          Task<String> a = scheduleCoroutine(outer.apply(b));
          await(sleep(ZERO));
          await(sleep(ZERO));
          rec("main-cancel-" + a.cancel());
          rec("main-got-" + await(a) + "-A-cancelled-" + a.isCancelled());
          return null;
        });
  }

  @Test
  void aSelfCancelledTaskThatAwaitsAPendingTaskCancelsThatTaskInstead() {
    assertSameOrderAsAsyncio(
        "self_cancel_then_await_pending_task",
        () -> {
          Coroutine<String> inner =
              () -> {
                try {
                  rec("B-start");
                  await(sleep(ZERO));
                  return "b";
                } catch (CancellationException e) {
                  rec("B-cancelled");
                  throw e;
                }
              };
          Coroutine<Integer> body =
              () -> {
                Task<String> b = scheduleCoroutine(inner);
                rec("A-self-cancel-" + currentTask().cancel());
                try {
                  String v = await(b);
                  rec("A-got-" + v);
                } catch (CancellationException e) {
                  rec("A-caught-B-cancelled-" + b.isCancelled());
                }
                return 1;
              };
          Task<Integer> a = scheduleCoroutine(body);
          rec("main-got-" + await(a) + "-A-cancelled-" + a.isCancelled());
          return null;
        });
  }

  @Test
  void aTaskCancelledAfterWhatItAwaitsFinishedButBeforeItResumedIsCancelled() {
    assertSameOrderAsAsyncio(
        "cancel_after_awaited_task_finished_before_waiter_resumed",
        () -> {
          Task<Integer> b = scheduleCoroutine(worker("B", 1, 1));
          Coroutine<Object> waiter =
              () -> {
                try {
                  int v = await(b);
                  rec("A-got-" + v);
                } catch (CancellationException e) {
                  rec("A-cancelled-B-result-" + b.result());
                  throw e;
                }
                return null;
              };
          Task<Object> a = scheduleCoroutine(waiter);
          while (!b.isDone()) {
            await(sleep(ZERO));
          }
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
  void cancellingATaskThatAwaitsTheRunningTaskCancelsTheRunningTaskAtItsNextYield() {
    assertSameOrderAsAsyncio(
        "cancelling_waiter_of_running_task_cancels_that_task",
        () -> {
          AtomicReference<Task<Object>> tRef = new AtomicReference<>();
          Coroutine<String> uu =
              () -> {
                rec("U-start");
                await(sleep(ZERO));
                rec("U-cancels-T-" + tRef.get().cancel());
                try {
                  await(sleep(ZERO));
                  rec("U-not-cancelled");
                } catch (CancellationException e) {
                  rec("U-cancelled");
                  throw e;
                }
                return "u";
              };
          Task<String> u = scheduleCoroutine(uu);
          Coroutine<Object> tt =
              () -> {
                try {
                  await(u);
                } catch (CancellationException e) {
                  rec("T-cancelled");
                  throw e;
                }
                return null;
              };
          Task<Object> t = scheduleCoroutine(tt);
          tRef.set(t);
          try {
            await(t);
          } catch (CancellationException e) {
            rec("main-saw-T-cancelled-U-" + u.isCancelled() + "-T-" + t.isCancelled());
          }
          return null;
        });
  }

  @Test
  void cancellingTheHeadOfAChainOfAwaitsCancelsTheTailAndUnwindsOneHopPerLink() {
    assertSameOrderAsAsyncio(
        "cancel_propagates_down_a_chain_of_awaits",
        () -> {
          Coroutine<Object> cc =
              () -> {
                try {
                  while (true) {
                    rec("C-tick");
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("C-cancelled");
                  throw e;
                }
              };
          java.util.function.BiFunction<String, Task<Object>, Coroutine<Object>> link =
              (name, inner) ->
                  () -> {
                    try {
                      await(inner);
                    } catch (CancellationException e) {
                      rec(name + "-cancelled");
                      throw e;
                    }
                    return null;
                  };
          Task<Object> c = scheduleCoroutine(cc);
          Task<Object> b = scheduleCoroutine(link.apply("B", c));
          Task<Object> a = scheduleCoroutine(link.apply("A", b));
          Task<Object> t = scheduleCoroutine(worker("T", 5));
          await(sleep(ZERO));
          await(sleep(ZERO));
          rec("main-cancel-" + a.cancel() + "-C-cancelled-" + c.isCancelled());
          try {
            await(a);
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled-B-" + b.isCancelled() + "-C-" + c.isCancelled());
          }
          await(t);
          return null;
        });
  }

  @Test
  void awaitingACancelledTaskThrowsAtOnceEveryTime() {
    assertSameOrderAsAsyncio(
        "awaiting_a_cancelled_task_raises_at_once",
        () -> {
          Coroutine<Object> never =
              () -> {
                rec("A-body");
                return null;
              };
          Task<Object> a = scheduleCoroutine(never);
          Task<Object> t = scheduleCoroutine(worker("T", 3));
          a.cancel();
          await(sleep(ZERO));
          rec("main-A-cancelled-" + a.isCancelled());
          try {
            await(a);
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled");
          }
          try {
            await(a);
          } catch (CancellationException e) {
            rec("main-saw-A-cancelled-again");
          }
          await(t);
          return null;
        });
  }
}
