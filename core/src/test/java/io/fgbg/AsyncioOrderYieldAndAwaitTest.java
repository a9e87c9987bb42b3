package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.allTasks;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;

import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step: tasks taking turns at yields,
 * awaiting tasks and coroutines, task names, {@code allTasks}, sleeping on timers.
 *
 * <p>{@link AsyncioOrderSupport} says how each test is one program written twice, in Python and
 * here, and how they are compared.
 */
@Timeout(60)
class AsyncioOrderYieldAndAwaitTest extends AsyncioOrderSupport {
  @Test
  void tasksThatYieldDifferentNumbersOfTimesTakeTurnsInCreationOrder() {
    assertSameOrderAsAsyncio(
        "round_robin",
        () -> {
          Task<Integer> a = scheduleCoroutine(worker("A", 1, 1));
          Task<Integer> b = scheduleCoroutine(worker("B", 3, 3));
          Task<Integer> c = scheduleCoroutine(worker("C", 2, 2));
          rec("main-created");
          for (int i = 0; i < 2; i++) {
            await(sleep(ZERO));
            rec("main" + i);
          }
          rec("main-got-" + await(b));
          rec("main-got-" + await(a));
          rec("main-got-" + await(c));
          return null;
        });
  }

  @Test
  void awaitingATaskThatIsAlreadyDoneDoesNotYield() {
    assertSameOrderAsAsyncio(
        "await_done_task_does_not_yield",
        () -> {
          Task<Integer> a = scheduleCoroutine(worker("A", 0, 1));
          Task<Object> b = scheduleCoroutine(worker("B", 3));
          await(sleep(ZERO));
          rec("main-A-done-" + a.isDone());
          rec("main-got-" + await(a));
          rec("main-got-again-" + await(a));
          await(b);
          rec("main-end");
          return null;
        });
  }

  @Test
  void awaitingAPendingTaskResumesOneHopAfterItCompletes() {
    assertSameOrderAsAsyncio(
        "await_pending_task_resumes_one_hop_after",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 2, "a"));
          Task<Object> c = scheduleCoroutine(worker("C", 6));
          rec("main-got-" + await(a));
          await(c);
          rec("main-end");
          return null;
        });
  }

  @Test
  void aChainOfAwaitsUnwindsOneHopPerLink() {
    assertSameOrderAsAsyncio(
        "chain_of_awaits",
        () -> {
          Coroutine<Integer> cc =
              () -> {
                rec("C-start");
                await(sleep(ZERO));
                await(sleep(ZERO));
                rec("C-return");
                return 1;
              };
          Coroutine<Integer> bb =
              () -> {
                rec("B-start");
                Task<Integer> c = scheduleCoroutine(cc);
                int v = await(c);
                rec("B-got-" + v);
                return v + 1;
              };
          Coroutine<Integer> aa =
              () -> {
                rec("A-start");
                Task<Integer> b = scheduleCoroutine(bb);
                int v = await(b);
                rec("A-got-" + v);
                return v + 1;
              };
          Task<Object> t = scheduleCoroutine(worker("T", 8));
          Task<Integer> a = scheduleCoroutine(aa);
          rec("main-got-" + await(a));
          await(t);
          return null;
        });
  }

  @Test
  void awaitingACoroutineRunsItInlineWithoutAHop() {
    assertSameOrderAsAsyncio(
        "awaiting_a_coroutine_runs_it_inline",
        () -> {
          IntFunction<Coroutine<Integer>> sub =
              n ->
                  () -> {
                    rec("sub-start-" + n);
                    for (int i = 0; i < n; i++) {
                      await(sleep(ZERO));
                    }
                    rec("sub-end-" + n);
                    return n * 10;
                  };
          Task<Object> t = scheduleCoroutine(worker("T", 4));
          await(sleep(ZERO));
          rec("main-got-" + await(sub.apply(0)));
          rec("main-got-" + await(sub.apply(2)));
          await(t);
          return null;
        });
  }

  @Test
  void tasksCreatedInsideATaskJoinTheReadyQueueBehindWhatIsAlreadyThere() {
    assertSameOrderAsAsyncio(
        "tasks_created_inside_tasks",
        () -> {
          Coroutine<String> parent =
              () -> {
                rec("P-start");
                Task<String> x = scheduleCoroutine(worker("X", 2, "x"));
                Task<String> y = scheduleCoroutine(worker("Y", 1, "y"));
                rec("P-created");
                await(sleep(ZERO));
                rec("P-resumed");
                String r = await(y);
                rec("P-got-" + r);
                return r + await(x);
              };
          Task<Object> t = scheduleCoroutine(worker("T", 5));
          Task<String> p = scheduleCoroutine(parent);
          rec("main-got-" + await(p));
          await(t);
          return null;
        });
  }

  @Test
  void tasksAreNamedTaskNInCreationOrderStartingWithTheMainTask() {
    assertSameOrderAsAsyncio(
        "task_names",
        () -> {
          Coroutine<String> inner = () -> currentTask().name();
          Coroutine<String> outer =
              () -> {
                Task<String> t = scheduleCoroutine(inner);
                return currentTask().name() + "/" + await(t);
              };
          rec("main-" + currentTask().name());
          Task<String> a = scheduleCoroutine(outer);
          Task<String> b = scheduleCoroutine(inner);
          rec("a-" + a.name() + "-b-" + b.name());
          rec("a-got-" + await(a));
          rec("b-got-" + await(b));
          return null;
        });
  }

  @Test
  void allTasksListsTheNotDoneTasksIncludingCancelledOnesNotYetStepped() {
    assertSameOrderAsAsyncio(
        "all_tasks_snapshots",
        () -> {
          Coroutine<Object> never =
              () -> {
                rec("B-body");
                return null;
              };
          Map<Task<?>, String> labels = labels(currentTask(), "main");
          Task<Object> a = scheduleCoroutine(worker("A", 0));
          labels.put(a, "A");
          Task<Object> b = scheduleCoroutine(never);
          labels.put(b, "B");
          Task<Object> c = scheduleCoroutine(worker("C", 3));
          labels.put(c, "C");
          b.cancel();
          rec("all-" + names(allTasks(), labels));
          await(sleep(ZERO));
          rec("all-" + names(allTasks(), labels));
          await(c);
          rec("all-" + names(allTasks(), labels));
          return null;
        });
  }

  @Test
  void sleepZeroWithAResultYieldsOnceAndReturnsIt() {
    assertSameOrderAsAsyncio(
        "sleep_zero_with_a_result_yields_once_and_returns_it",
        () -> {
          Task<Object> t = scheduleCoroutine(worker("T", 2));
          rec("main-got-" + await(sleep(ZERO, "r")));
          await(t);
          return null;
        });
  }

  /** Real timers, but order-robust: the deadlines differ by 130 ms, the creations by microseconds. */
  @Test
  void timersFireInDeadlineOrderAndEqualDelaysInCreationOrder() {
    assertSameOrderAsAsyncio(
        "timers_fire_in_deadline_order_then_creation_order",
        () -> {
          java.util.function.BiFunction<String, java.time.Duration, Coroutine<Object>> sleeper =
              (name, delay) ->
                  () -> {
                    rec(name + "-sleeps");
                    await(sleep(delay));
                    rec(name + "-woke");
                    return null;
                  };
          Task<Object> a = scheduleCoroutine(sleeper.apply("A", ofMillis(150)));
          Task<Object> b = scheduleCoroutine(sleeper.apply("B", ofMillis(20)));
          Task<Object> c = scheduleCoroutine(sleeper.apply("C", ofMillis(150)));
          await(a);
          await(b);
          await(c);
          return null;
        });
  }
}
