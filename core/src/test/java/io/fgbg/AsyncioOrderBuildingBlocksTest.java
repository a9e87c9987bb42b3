package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.taskGroup;
import static io.fgbg.Fgbg.timeout;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds fgbg's building blocks to CPython asyncio's interleavings, step for step: a bounded queue
 * between a producer and a consumer with {@code join}, getters and lock waiters woken in FIFO
 * order with a cancelled one passing its turn, an event waking every waiter, a condition's {@code
 * notify(1)} then {@code notify_all}, a semaphore of two, a barrier's arrival indices, timeouts
 * (alone and nested) and task groups (a failure cancelling the rest; a group that waits for all).
 *
 * <p>{@link AsyncioOrderSupport} says how each test is one program written twice, in Python
 * ({@code scenarios.py}) and here, and how they are compared.
 */
@Timeout(60)
class AsyncioOrderBuildingBlocksTest extends AsyncioOrderSupport {

  @Test
  void aBoundedQueueBetweenAProducerAndAConsumerWithJoin() {
    assertSameOrderAsAsyncio(
        "queue_bounded_producer_consumer_with_join",
        () -> {
          AsyncQueue<Integer> q = new AsyncQueue<>(2);
          Task<Object> p =
              scheduleCoroutine(
                  () -> {
                    for (int i = 0; i < 5; i++) {
                      rec("P-put-" + i);
                      await(q.put(i));
                      rec("P-put-" + i + "-done-size-" + q.size());
                    }
                    rec("P-end");
                    return null;
                  });
          Task<Object> c =
              scheduleCoroutine(
                  () -> {
                    for (int i = 0; i < 5; i++) {
                      int x = await(q.get());
                      rec("C-got-" + x);
                      await(sleep(ZERO));
                      q.taskDone();
                    }
                    rec("C-end");
                    return null;
                  });
          await(sleep(ZERO));
          rec("main-joining");
          await(q.join());
          rec("main-joined");
          await(p);
          await(c);
          return null;
        });
  }

  @Test
  void queueGettersAreWokenInFifoOrderAndACancelledOnePassesItsTurn() {
    assertSameOrderAsAsyncio(
        "queue_getters_are_woken_in_fifo_order_and_a_cancelled_one_passes_its_turn",
        () -> {
          AsyncQueue<Integer> q = new AsyncQueue<>();
          Task<Object> a = scheduleCoroutine(getter("A", q));
          Task<Object> b = scheduleCoroutine(getter("B", q));
          Task<Object> c = scheduleCoroutine(getter("C", q));
          await(sleep(ZERO));
          b.cancel();
          q.putNowait(1);
          q.putNowait(2);
          rec("main-put-size-" + q.size());
          await(sleep(ZERO));
          rec("main-after-yield");
          await(waitTasks(List.of(a, b, c)));
          rec("main-left-" + q.size());
          return null;
        });
  }

  private Coroutine<Object> getter(String name, AsyncQueue<Integer> q) {
    return () -> {
      try {
        rec(name + "-got-" + await(q.get()));
      } catch (CancellationException e) {
        rec(name + "-cancelled");
        throw e;
      }
      return null;
    };
  }

  @Test
  void lockWaitersAcquireInFifoOrderAndACancelledOneGivesItsTurn() {
    assertSameOrderAsAsyncio(
        "lock_waiters_acquire_in_fifo_order_and_a_cancelled_one_gives_its_turn",
        () -> {
          AsyncLock lock = new AsyncLock();
          await(lock.acquire());
          Task<Object> a = scheduleCoroutine(locker("A", lock));
          Task<Object> b = scheduleCoroutine(locker("B", lock));
          Task<Object> c = scheduleCoroutine(locker("C", lock));
          await(sleep(ZERO));
          b.cancel();
          rec("main-releasing-locked-" + lock.isLocked());
          lock.release();
          await(waitTasks(List.of(a, b, c)));
          rec("main-end-locked-" + lock.isLocked());
          return null;
        });
  }

  private Coroutine<Object> locker(String name, AsyncLock lock) {
    return () -> {
      try {
        await(lock.acquire());
      } catch (CancellationException e) {
        rec(name + "-cancelled");
        throw e;
      }
      rec(name + "-acquired");
      await(sleep(ZERO));
      rec(name + "-releasing");
      lock.release();
      return null;
    };
  }

  @Test
  void anEventWakesEveryWaiterAndASetEventDoesNotYield() {
    assertSameOrderAsAsyncio(
        "event_wakes_every_waiter_and_a_set_event_does_not_yield",
        () -> {
          AsyncEvent ev = new AsyncEvent();
          List<Task<?>> ws = new ArrayList<>();
          for (String n : List.of("A", "B", "C")) {
            ws.add(
                scheduleCoroutine(
                    () -> {
                      await(ev.waitSet());
                      rec(n + "-woke");
                      return null;
                    }));
          }
          Task<Object> t = scheduleCoroutine(worker("T", 3));
          await(sleep(ZERO));
          rec("main-set");
          ev.set();
          await(ev.waitSet());
          rec("main-waited-set-event");
          await(waitTasks(ws));
          await(t);
          return null;
        });
  }

  @Test
  void aConditionNotifiesOneThenAll() {
    assertSameOrderAsAsyncio(
        "condition_notify_one_then_all",
        () -> {
          AsyncCondition cond = new AsyncCondition();
          List<Task<?>> ws = new ArrayList<>();
          for (String n : List.of("A", "B", "C")) {
            ws.add(
                scheduleCoroutine(
                    () -> {
                      try (Held held = cond.hold()) {
                        rec(n + "-waiting");
                        await(cond.waitNotified());
                        rec(n + "-notified");
                      }
                      return null;
                    }));
          }
          await(sleep(ZERO));
          try (Held held = cond.hold()) {
            rec("main-notify-1");
            cond.signal(1);
          }
          await(sleep(ZERO));
          await(sleep(ZERO));
          try (Held held = cond.hold()) {
            rec("main-notify-all");
            cond.signalAll();
          }
          await(waitTasks(ws));
          rec("main-end");
          return null;
        });
  }

  @Test
  void aSemaphoreOfTwoLetsTwoWorkersInAtATime() {
    assertSameOrderAsAsyncio(
        "semaphore_of_two_lets_two_workers_in_at_a_time",
        () -> {
          AsyncSemaphore sem = new AsyncSemaphore(2);
          List<Task<?>> ws = new ArrayList<>();
          for (String n : List.of("A", "B", "C", "D")) {
            ws.add(
                scheduleCoroutine(
                    () -> {
                      try (Held held = sem.hold()) {
                        rec(n + "-in");
                        await(sleep(ZERO));
                        rec(n + "-out");
                      }
                      return null;
                    }));
          }
          await(waitTasks(ws));
          rec("main-end-locked-" + sem.isLocked());
          return null;
        });
  }

  @Test
  void aBarrierOfThreeGivesArrivalIndices() {
    assertSameOrderAsAsyncio(
        "barrier_of_three_gives_arrival_indices",
        () -> {
          AsyncBarrier barrier = new AsyncBarrier(3);
          List<Task<?>> ps = new ArrayList<>();
          String[] names = {"A", "B", "C"};
          int[] yields = {2, 0, 1};
          for (int k = 0; k < 3; k++) {
            String n = names[k];
            int y = yields[k];
            ps.add(
                scheduleCoroutine(
                    () -> {
                      for (int i = 0; i < y; i++) {
                        await(sleep(ZERO));
                      }
                      rec(n + "-arrives");
                      int i = await(barrier.waitParties());
                      rec(n + "-passed-" + i);
                      return null;
                    }));
          }
          await(waitTasks(ps));
          rec("main-end-waiting-" + barrier.waiting() + "-broken-" + barrier.isBroken());
          return null;
        });
  }

  @Test
  void aTimeoutCancelsTheBodyRunsItsCleanupAndThrowsTimeoutException() {
    assertSameOrderAsAsyncio(
        "timeout_cancels_the_body_runs_its_cleanup_and_raises_timeout_error",
        () -> {
          Task<Object> t = scheduleCoroutine(worker("T", 3));
          try {
            await(
                timeout(
                    ofMillis(10),
                    () -> {
                      try {
                        rec("body-sleeping");
                        await(sleep(ofSeconds(10)));
                        rec("body-woke");
                      } catch (CancellationException e) {
                        rec("body-cancelled");
                        await(sleep(ZERO));
                        rec("body-cleanup-done");
                        throw e;
                      }
                      return null;
                    }));
          } catch (TimeoutException e) {
            rec("main-timed-out");
          }
          await(t);
          rec("main-cancelling-" + currentTask().cancelling());
          return null;
        });
  }

  @Test
  void nestedTimeoutsConvertOnlyTheirOwnCancellation() {
    assertSameOrderAsAsyncio(
        "nested_timeouts_convert_only_their_own_cancellation",
        () -> {
          try {
            await(
                timeout(
                    ofMillis(10),
                    () -> {
                      try {
                        await(
                            timeout(
                                ofSeconds(10),
                                () -> {
                                  await(sleep(ofSeconds(10)));
                                  return null;
                                }));
                      } catch (TimeoutException e) {
                        rec("inner-timed-out");
                      } catch (CancellationException e) {
                        rec("inner-saw-cancellation");
                        throw e;
                      }
                      return null;
                    }));
          } catch (TimeoutException e) {
            rec("outer-timed-out");
          }
          return null;
        });
  }

  @Test
  void aTaskGroupsFirstFailureCancelsTheOthersAndTheBody() {
    assertSameOrderAsAsyncio(
        "task_group_first_failure_cancels_the_others_and_the_body",
        () -> {
          Coroutine<Object> fails =
              () -> {
                for (int i = 0; i < 2; i++) {
                  rec("F" + i);
                  await(sleep(ZERO));
                }
                throw new IllegalArgumentException("F-failed");
              };
          Coroutine<Object> loops =
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
          try {
            await(
                taskGroup(
                    group -> {
                      group.start(fails);
                      group.start(loops);
                      rec("body-waiting");
                      try {
                        await(sleep(ofSeconds(10)));
                      } catch (CancellationException e) {
                        rec("body-cancelled");
                        throw e;
                      }
                      return null;
                    }));
          } catch (IllegalArgumentException e) {
            rec("main-caught-" + e.getMessage() + "-of-" + (1 + e.getSuppressed().length));
          }
          return null;
        });
  }

  @Test
  void aTaskGroupWaitsForEveryChildAndReturns() {
    assertSameOrderAsAsyncio(
        "task_group_waits_for_every_child_and_returns",
        () -> {
          List<Task<Object>> children = new ArrayList<>();
          await(
              taskGroup(
                  group -> {
                    children.add(group.start(worker("A", 2, "a")));
                    children.add(group.start(worker("B", 3, "b")));
                    rec("body-done");
                    return null;
                  }));
          rec(
              "main-after-group-"
                  + children.get(0).result()
                  + "-"
                  + children.get(1).result());
          return null;
        });
  }
}
