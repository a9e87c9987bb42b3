package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.allTasks;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitFor;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step.
 *
 * <p>Each test is one program written twice: in Python, as a scenario of {@code
 * src/test/resources/asyncio-order/scenarios.py} run with {@code asyncio.run(main())}, and here,
 * as {@code runInForeground(main)} on a fresh loop followed by {@code loop.close()}. Both record
 * events ("A1", "B-cancelled", "main-got-42") in the order they happen; the lists must be equal.
 * The two versions are kept statement for statement alike:
 *
 * <pre>
 *   asyncio.create_task(c())   scheduleCoroutine(c)
 *   await asyncio.sleep(0)     await(sleep(ZERO))
 *   await t                    await(t)
 *   except CancelledError      catch (CancellationException e)
 *   ValueError("boom")         IllegalArgumentException("boom")
 *   asyncio.TimeoutError       TimeoutException
 * </pre>
 *
 * <p>Without {@code python3} 3.11 on the path the tests are skipped, saying so.
 */
@Timeout(60)
class AsyncioOrderTest {
  private final List<String> events = new ArrayList<>();

  // ------------------------------------------------------------------ the harness

  private void rec(String event) {
    events.add(event);
  }

  /** Runs the Python twin of {@code scenario} and {@code main} under fgbg; the events must match. */
  private void assertSameOrderAsAsyncio(String scenario, Coroutine<?> main) {
    List<String> asyncio = AsyncioReference.events(scenario);
    List<String> fgbg = runWithFgbg(main);
    assertThat(fgbg)
        .as("events of scenario %s under fgbg, compared with asyncio's", scenario)
        .isEqualTo(asyncio);
  }

  /** asyncio.run(main()) in fgbg terms; records how the run ended as the Python runner does. */
  private List<String> runWithFgbg(Coroutine<?> main) {
    EventLoop loop = EventLoop.create();
    Object result = null;
    Exception failure = null;
    try {
      result = Fgbg.runInForeground(main, loop);
    } catch (Exception e) {
      failure = e;
    } finally {
      loop.close(); // cancels leftovers, as asyncio.run does before it returns or raises
    }
    if (failure instanceof CancellationException) {
      rec("run-cancelled");
    } else if (failure != null) {
      rec("run-raised-" + failure.getMessage());
    } else if (result != null) {
      rec("run-returned-" + result);
    }
    return List.copyOf(events);
  }

  /** Records name0..name{n-1}, yielding after each, then name-end; returns result. */
  private <T> Coroutine<T> worker(String name, int n, T result) {
    return () -> {
      for (int i = 0; i < n; i++) {
        rec(name + i);
        await(sleep(ZERO));
      }
      rec(name + "-end");
      return result;
    };
  }

  private Coroutine<Object> worker(String name, int n) {
    return worker(name, n, null);
  }

  /** The labels of {@code tasks}, sorted and comma-separated, as the Python side prints them. */
  private static String names(Collection<Task<?>> tasks, Map<Task<?>, String> labels) {
    return tasks.stream().map(labels::get).sorted().collect(joining(","));
  }

  private static Map<Task<?>, String> labels(Object... taskThenLabel) {
    Map<Task<?>, String> labels = new IdentityHashMap<>();
    for (int i = 0; i < taskThenLabel.length; i += 2) {
      labels.put((Task<?>) taskThenLabel[i], (String) taskThenLabel[i + 1]);
    }
    return labels;
  }

  /** Python's t.result() inside a done callback. */
  private static Object resultOf(Task<?> task) {
    try {
      return task.result();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everyPythonScenarioIsHeldHereToo() {
    assertThat(AsyncioReference.scenarioNames()).hasSize(66);
  }

  // ------------------------------------------------------------------ yielding and awaiting

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

  // ------------------------------------------------------------------ cancellation

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

  // ------------------------------------------------------------------ exceptions and callbacks

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

  // ------------------------------------------------------------------ waitFor

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

  // ------------------------------------------------------------------ close() as asyncio.run ends

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

  // ------------------------------------------------------------------ more interleaving questions

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
