package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitFor;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step, in corner cases: done callbacks
 * that add callbacks, create tasks and cancel them; cancels that land while a task cleans up or
 * before a gather has woken; zero and negative timeouts; a leftover's done callback at close; and
 * the order of the ready queue with callSoon, callSoonThreadsafe, callLater(0) and the outcome of
 * a background call.
 *
 * <p>{@link AsyncioOrderSupport} says how each test is one program written twice, in Python and
 * here, and how they are compared.
 */
@Timeout(60)
class AsyncioOrderCornerCasesTest extends AsyncioOrderSupport {
  // ------------------------------------------------------------------ done callbacks

  @Test
  void doneCallbacksAddedInsideADoneCallbackRunAtTheRightHops() {
    assertSameOrderAsAsyncio(
        "done_callbacks_added_inside_a_done_callback",
        () -> {
          EventLoop loop = EventLoop.current();
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          Task<String> b = scheduleCoroutine(worker("B", 3, "b"));
          Consumer<Task<String>> cb1 =
              f -> {
                rec("cb1");
                f.addDoneCallback(x -> rec("cb1-inner-on-A"));
                b.addDoneCallback(x -> rec("cb1-inner-on-B"));
                Task<String> n = scheduleCoroutine(worker("N", 1, "n"), loop);
                n.addDoneCallback(x -> rec("N-cb"));
              };
          a.addDoneCallback(cb1);
          a.addDoneCallback(x -> rec("cb2"));
          Task<Object> t = scheduleCoroutine(worker("T", 6));
          rec("main-got-" + await(a));
          await(b);
          await(t);
          return null;
        });
  }

  @Test
  void aDoneCallbackAddedBeforeTheWaiterAwaitedCancelsItBeforeItWakes() {
    assertSameOrderAsAsyncio(
        "done_callback_cancels_a_waiter_of_the_same_task",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          Coroutine<Object> waiter =
              () -> {
                try {
                  String v = await(a);
                  rec("W-got-" + v);
                  await(sleep(ZERO));
                  rec("W-after");
                } catch (CancellationException e) {
                  rec("W-cancelled");
                  throw e;
                }
                return null;
              };
          Task<Object> w = scheduleCoroutine(waiter);
          a.addDoneCallback(x -> rec("cb-cancels-W-" + w.cancel()));
          Task<Object> t = scheduleCoroutine(worker("T", 5));
          try {
            await(w);
          } catch (CancellationException e) {
            rec("main-saw-W-cancelled");
          }
          await(t);
          return null;
        });
  }

  @Test
  void aTaskThatADoneCallbackCreatesAndTheNextCancelsNeverStarts() {
    assertSameOrderAsAsyncio(
        "done_callback_creates_a_task_that_the_next_callback_cancels_before_it_starts",
        () -> {
          EventLoop loop = EventLoop.current();
          List<Task<String>> holder = new ArrayList<>();
          Task<String> a = scheduleCoroutine(worker("A", 1, "a"));
          Consumer<Task<String>> cb1 =
              f -> {
                holder.add(scheduleCoroutine(worker("N", 2, "n"), loop));
                rec("cb1-created-N");
              };
          Consumer<Task<String>> cb2 = f -> rec("cb2-cancels-N-" + holder.get(0).cancel());
          a.addDoneCallback(cb1);
          a.addDoneCallback(cb2);
          Task<Object> t = scheduleCoroutine(worker("T", 4));
          await(a);
          try {
            await(holder.get(0));
          } catch (CancellationException e) {
            rec("main-saw-N-cancelled");
          }
          await(t);
          return null;
        });
  }

  @Test
  void aTaskCanAwaitATaskThatADoneCallbackOfTheTaskItAwaitedCreated() {
    assertSameOrderAsAsyncio(
        "awaiting_a_task_that_a_done_callback_of_the_awaited_task_created",
        () -> {
          EventLoop loop = EventLoop.current();
          List<Task<String>> holder = new ArrayList<>();
          Task<String> a = scheduleCoroutine(worker("A", 2, "a"));
          a.addDoneCallback(x -> holder.add(scheduleCoroutine(worker("N", 1, "n"), loop)));
          Task<Object> t = scheduleCoroutine(worker("T", 6));
          rec("main-got-" + await(a));
          rec("main-got-" + await(holder.get(0)));
          await(t);
          return null;
        });
  }

  // ------------------------------------------------------------------ cancellation corners

  @Test
  void cancellingATaskThreeTimesWhileItCleansUpEndsItOnce() {
    assertSameOrderAsAsyncio(
        "cancelling_a_task_three_times_while_it_cleans_up",
        () -> {
          Task<String> b = scheduleCoroutine(child("B", 5, "b", 2));
          Coroutine<String> aa =
              () -> {
                try {
                  return await(b);
                } catch (CancellationException e) {
                  rec("A-cancelled");
                  await(sleep(ZERO));
                  rec("A-cleanup");
                  throw e;
                }
              };
          Task<String> a = scheduleCoroutine(aa);
          Task<Object> t = scheduleCoroutine(worker("T", 8));
          await(sleep(ZERO));
          rec("c1-" + a.cancel());
          await(sleep(ZERO));
          rec("c2-" + a.cancel());
          await(sleep(ZERO));
          rec("c3-" + a.cancel());
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
  void waitFirstExceptionDoesNotReturnForACancelledTask() {
    assertSameOrderAsAsyncio(
        "wait_first_exception_does_not_return_for_a_cancelled_task",
        () -> {
          Task<String> a = scheduleCoroutine(child("A", 3, "a", 0));
          Task<String> b = scheduleCoroutine(child("B", 5, "b", 0));
          Task<String> c = scheduleCoroutine(worker("C", 6, "c"));
          Map<Task<?>, String> labels = labels(a, "A", b, "B", c, "C");
          Coroutine<Object> canceller =
              () -> {
                await(sleep(ZERO));
                rec("X-cancels-A-" + a.cancel());
                return null;
              };
          Task<Object> x = scheduleCoroutine(canceller);
          WaitResult r = await(waitTasks(List.of(a, b, c), null, ReturnWhen.FIRST_EXCEPTION));
          rec("main-woke-done-" + names(r.done(), labels) + "-pending-" + names(r.pending(), labels));
          await(x);
          return null;
        });
  }

  @Test
  void cancellingAGatheringTaskAfterAChildFailedButBeforeItWokeCancelsIt() {
    assertSameOrderAsAsyncio(
        "cancelling_a_gathering_task_after_a_child_failed_but_before_it_woke",
        () -> {
          Coroutine<String> bad =
              () -> {
                rec("A-start");
                throw new IllegalArgumentException("a-failed");
              };
          Task<String> a = scheduleCoroutine(bad);
          Task<String> b = scheduleCoroutine(child("B", 4, "b", 0));
          Coroutine<Object> gatherer =
              () -> {
                try {
                  await(gather(List.of(a, b)));
                } catch (IllegalArgumentException e) {
                  rec("G-exc-" + e.getMessage());
                } catch (CancellationException e) {
                  rec("G-cancelled");
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
            rec("main-saw-G-cancelled");
          }
          await(b);
          return null;
        });
  }

  @Test
  void aGatherChildThatCancelsItselfCancelsTheGatherAndLeavesTheOthersRunning() {
    assertSameOrderAsAsyncio(
        "gather_child_that_cancels_itself_cancels_the_gather",
        () -> {
          Coroutine<Object> cc =
              () -> {
                rec("C-start");
                currentTask().cancel();
                await(sleep(ZERO));
                rec("C-not-reached");
                return null;
              };
          Task<Object> c = scheduleCoroutine(cc);
          Task<String> b = scheduleCoroutine(child("B", 3, "b", 0));
          try {
            await(gather(List.of(c, b)));
          } catch (CancellationException e) {
            rec("main-caught-cancel-B-done-" + b.isDone());
          }
          rec("main-got-" + await(b));
          return null;
        });
  }

  @Test
  void mainCancelledByAChildWhileAwaitingGatherCancelsTheGatheredTasks() {
    assertSameOrderAsAsyncio(
        "main_cancelled_by_a_child_while_awaiting_gather",
        () -> {
          Task<?> mainTask = currentTask();
          Task<String> a = scheduleCoroutine(child("A", 4, "a", 0));
          Coroutine<Object> killer =
              () -> {
                await(sleep(ZERO));
                rec("K-cancels-main-" + mainTask.cancel());
                return null;
              };
          scheduleCoroutine(killer);
          try {
            await(gather(List.of(a)));
          } catch (CancellationException e) {
            rec("main-cancelled-A-" + a.isCancelled());
            throw e;
          }
          return null;
        });
  }

  // ------------------------------------------------------------------ zero and negative timeouts

  @Test
  void waitTasksWithZeroTimeoutReturnsTheTaskAsPending() {
    assertSameOrderAsAsyncio(
        "wait_with_zero_timeout_returns_the_task_as_pending",
        () -> {
          Task<String> a = scheduleCoroutine(worker("A", 2, "a"));
          Map<Task<?>, String> labels = labels(a, "A");
          WaitResult r = await(waitTasks(List.of(a), ZERO, ReturnWhen.ALL_COMPLETED));
          rec("main-woke-done-" + names(r.done(), labels) + "-pending-" + names(r.pending(), labels));
          await(a);
          return null;
        });
  }

  @Test
  void waitForWithNegativeTimeoutCancelsATaskThatHasNotStarted() {
    assertSameOrderAsAsyncio(
        "wait_for_with_negative_timeout_cancels_a_task_that_has_not_started",
        () -> {
          Task<String> a = scheduleCoroutine(child("A", 3, "a", 1));
          try {
            await(waitFor(a, ofSeconds(-1)));
          } catch (TimeoutException e) {
            rec("main-timeout-A-cancelled-" + a.isCancelled());
          }
          return null;
        });
  }

  // ------------------------------------------------------------------ end of the run

  @Test
  void aTaskThatALeftoversDoneCallbackCreatesAtCloseStillRuns() {
    assertSameOrderAsAsyncio(
        "leftover_whose_done_callback_creates_a_task_at_close",
        () -> {
          EventLoop loop = EventLoop.current();
          Coroutine<Object> body =
              () -> {
                try {
                  while (true) {
                    rec("L-tick");
                    await(sleep(ZERO));
                  }
                } catch (CancellationException e) {
                  rec("L-cancelled");
                  throw e;
                }
              };
          Task<Object> leftover = scheduleCoroutine(body);
          leftover.addDoneCallback(x -> scheduleCoroutine(worker("N", 2, "n"), loop));
          await(sleep(ZERO));
          rec("main-return");
          return null;
        });
  }

  // ------------------------------------------------------------------ the ready queue

  @Test
  void callSoonThreadsafeOnTheLoopThreadQueuesLikeCallSoon() {
    assertSameOrderAsAsyncio(
        "call_soon_threadsafe_on_the_loop_thread_queues_like_call_soon",
        () -> {
          EventLoop loop = EventLoop.current();
          Task<Object> t = scheduleCoroutine(worker("T", 3));
          loop.callSoonThreadsafe(() -> rec("threadsafe"));
          loop.callSoon(() -> rec("soon"));
          rec("main-posted");
          await(sleep(ZERO));
          rec("main1");
          await(sleep(ZERO));
          rec("main2");
          await(t);
          return null;
        });
  }

  @Test
  void callSoonThreadsafeFromACallbackQueuesLikeCallSoon() {
    assertSameOrderAsAsyncio(
        "call_soon_threadsafe_from_a_callback_queues_like_call_soon",
        () -> {
          EventLoop loop = EventLoop.current();
          Runnable cb =
              () -> {
                rec("cb");
                loop.callSoonThreadsafe(() -> rec("threadsafe"));
                loop.callSoon(() -> rec("soon"));
              };
          loop.callSoon(cb);
          Task<Object> t = scheduleCoroutine(worker("T", 4));
          await(t);
          return null;
        });
  }

  @Test
  void callLaterZeroRunsAfterTheReadyCallbacksOfTheNextIteration() {
    assertSameOrderAsAsyncio(
        "call_later_zero_runs_after_the_ready_callbacks_of_the_next_iteration",
        () -> {
          EventLoop loop = EventLoop.current();
          loop.callLater(ZERO, () -> rec("later0"));
          loop.callSoon(() -> rec("soon"));
          Task<Object> t = scheduleCoroutine(worker("T", 3));
          await(t);
          return null;
        });
  }

  @Test
  void aCancelledHandleDoesNotRunAndAFailingCallbackDoesNotStopTheLoop() {
    assertSameOrderAsAsyncio(
        "cancelled_handle_does_not_run_and_a_failing_callback_does_not_stop_the_loop",
        () -> {
          EventLoop loop = EventLoop.current();
          Handle h = loop.callSoon(() -> rec("cancelled-handle-ran"));
          Runnable bad =
              () -> {
                rec("bad");
                throw new IllegalArgumentException("cb");
              };
          loop.callSoon(bad);
          loop.callSoon(() -> rec("after-bad"));
          h.cancel();
          Task<Object> t = scheduleCoroutine(worker("T", 2));
          await(t);
          return null;
        });
  }

  @Test
  void theOutcomeOfABackgroundCallPostedDuringAStepKeepsItsPlaceInTheReadyQueue() {
    assertSameOrderAsAsyncio(
        "executor_result_posted_during_a_step_keeps_its_place_in_the_ready_queue",
        () -> {
          CountDownLatch go = new CountDownLatch(1);
          CountDownLatch posted = new CountDownLatch(1);
          // ThreadPerCall of scenarios.py: the call's outcome is in the loop's inbox once run()
          // has returned
          Executor threadPerCall =
              call ->
                  Thread.ofPlatform()
                      .start(
                          () -> {
                            call.run();
                            posted.countDown();
                          });
          Task<String> fut =
              callInBackground(
                  () -> {
                    go.await();
                    return "v";
                  },
                  threadPerCall);
          Coroutine<Object> waiter =
              () -> {
                rec("W-got-" + await(fut));
                return null;
              };
          Task<Object> w = scheduleCoroutine(waiter);
          await(sleep(ZERO));
          go.countDown();
          posted.await();
          Task<Object> t = scheduleCoroutine(worker("T", 4));
          rec("main-step-end");
          await(sleep(ZERO));
          rec("main1");
          await(w);
          await(t);
          return null;
        });
  }

  /**
   * scenarios.py's child() with cleanup_yields: worker(name, n, value) that, if cancelled,
   * records name-cancelled, yields {@code cleanupYields} times (recording name-cleanup0, ...) and
   * rethrows the cancellation.
   */
  private Coroutine<String> child(String name, int n, String value, int cleanupYields) {
    return () -> {
      try {
        for (int i = 0; i < n; i++) {
          rec(name + i);
          await(sleep(ZERO));
        }
        rec(name + "-end");
        return value;
      } catch (CancellationException e) {
        rec(name + "-cancelled");
        for (int j = 0; j < cleanupYields; j++) {
          await(sleep(ZERO));
          rec(name + "-cleanup" + j);
        }
        throw e;
      }
    };
  }
}
