package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step: exceptions passing through awaits,
 * and done callbacks, in their order among the tasks that await the same task.
 *
 * <p>{@link AsyncioOrderSupport} says how each test is one program written twice, in Python and
 * here, and how they are compared.
 */
@Timeout(60)
class AsyncioOrderExceptionsAndCallbacksTest extends AsyncioOrderSupport {
  @Test
  void anExceptionPropagatesThroughAChainOfAwaitsOneHopPerLink() {
    assertSameOrderAsAsyncio(
        "exception_through_await_chain",
        () -> {
          Coroutine<Integer> cc =
              () -> {
                rec("C-start");
                await(sleep(ZERO));
                throw new IllegalArgumentException("boom");
              };
          Coroutine<Integer> bb =
              () -> {
                Task<Integer> c = scheduleCoroutine(cc);
                try {
                  return await(c);
                } finally {
                  rec("B-finally");
                }
              };
          Coroutine<String> aa =
              () -> {
                Task<Integer> b = scheduleCoroutine(bb);
                try {
                  await(b);
                  return "not-reached";
                } catch (IllegalArgumentException e) {
                  rec("A-caught-" + e.getMessage());
                  return "recovered";
                }
              };
          Task<Object> t = scheduleCoroutine(worker("T", 6));
          Task<String> a = scheduleCoroutine(aa);
          rec("main-got-" + await(a));
          await(t);
          return null;
        });
  }

  @Test
  void anExceptionInATaskNobodyAwaitsLeavesTheOtherTasksAlone() {
    assertSameOrderAsAsyncio(
        "exception_in_unawaited_task_leaves_others_alone",
        () -> {
          Coroutine<Object> bad =
              () -> {
                rec("A-start");
                await(sleep(ZERO));
                throw new IllegalArgumentException("lost");
              };
          Task<Object> a = scheduleCoroutine(bad);
          Task<Object> b = scheduleCoroutine(worker("B", 4));
          await(b);
          rec("main-A-exception-" + a.exception().getMessage());
          return null;
        });
  }

  @Test
  void doneCallbacksAndAwaitersAreScheduledInTheOrderTheyWereAdded() {
    assertSameOrderAsAsyncio(
        "done_callbacks_order",
        () -> {
          Task<Integer> a = scheduleCoroutine(worker("A", 1, 3));
          a.addDoneCallback(x -> rec("cb1-" + resultOf(x)));
          a.addDoneCallback(x -> rec("cb2-" + resultOf(x)));
          Coroutine<Object> adder =
              () -> {
                rec("D-adds-cb3");
                a.addDoneCallback(x -> rec("cb3-" + resultOf(x)));
                return null;
              };
          Task<Object> d = scheduleCoroutine(adder);
          Task<Object> t = scheduleCoroutine(worker("T", 5));
          rec("main-got-" + await(a));
          a.addDoneCallback(x -> rec("cb4-" + resultOf(x)));
          rec("main-added-cb4");
          await(sleep(ZERO));
          rec("main-after-yield");
          await(d);
          await(t);
          return null;
        });
  }

  @Test
  void aDoneCallbackRunsOutsideAnyTask() {
    assertSameOrderAsAsyncio(
        "done_callback_sees_no_current_task",
        () -> {
          Task<Object> a = scheduleCoroutine(worker("A", 1));
          a.addDoneCallback(x -> rec("cb-current-task-is-none-" + (currentTask() == null)));
          await(a);
          await(sleep(ZERO));
          rec("main-end");
          return null;
        });
  }

  @Test
  void severalTasksAwaitingOneTaskWakeInTheOrderTheyAwaitedItAmongItsCallbacks() {
    assertSameOrderAsAsyncio(
        "several_tasks_awaiting_one_task_wake_in_the_order_they_awaited",
        () -> {
          Task<String> t = scheduleCoroutine(worker("T", 2, "t"));
          Function<String, Coroutine<Object>> waiter =
              name ->
                  () -> {
                    rec(name + "-awaits");
                    String v = await(t);
                    rec(name + "-got-" + v);
                    return null;
                  };
          Task<Object> c = scheduleCoroutine(waiter.apply("C"));
          Task<Object> b = scheduleCoroutine(waiter.apply("B"));
          Task<Object> d = scheduleCoroutine(waiter.apply("D"));
          await(sleep(ZERO));
          t.addDoneCallback(x -> rec("cb"));
          rec("main-got-" + await(t));
          await(c);
          await(b);
          await(d);
          return null;
        });
  }

  @Test
  void aDoneCallbackCanCreateATaskAndCancelAnother() {
    assertSameOrderAsAsyncio(
        "done_callback_that_creates_a_task_and_cancels_another",
        () -> {
          EventLoop loop = EventLoop.current();
          List<Task<Object>> holder = new ArrayList<>();
          Coroutine<Object> spawned =
              () -> {
                rec("N-start");
                await(sleep(ZERO));
                rec("N-end");
                return null;
              };
          Coroutine<Object> ticker =
              () -> {
                try {
                  for (int i = 0; i < 10; i++) {
                    rec("T" + i);
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("T-cancelled");
                  throw e;
                }
                return null;
              };
          Task<Object> t = scheduleCoroutine(ticker);
          java.util.function.Consumer<Task<String>> callback =
              f -> {
                rec("cb-A-got-" + resultOf(f));
                holder.add(scheduleCoroutine(spawned, loop));
                rec("cb-cancels-T-" + t.cancel());
              };
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          a.addDoneCallback(callback);
          rec("main-got-" + await(a));
          await(holder.get(0));
          try {
            await(t);
          } catch (CancellationException e) {
            rec("main-saw-T-cancelled");
          }
          return null;
        });
  }
}
