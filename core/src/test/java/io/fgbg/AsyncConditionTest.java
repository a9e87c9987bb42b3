package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitFor;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * asyncio's {@code ConditionTests} (Python 3.11, {@code Lib/test/test_asyncio/test_locks.py}),
 * each case named as it is there, in fgbg's words where Java takes asyncio's ({@code wait} is
 * {@code waitNotified}, {@code wait_for} is {@code waitUntil}, {@code notify} is {@code signal}),
 * then fgbg's own.
 */
class AsyncConditionTest extends LoopTestSupport {

  /** c1, c2, c3 of asyncio's cases: acquire, wait, log; release after if {@code release}. */
  private Coroutine<Boolean> waitAndLog(AsyncCondition cond, String tag, boolean release) {
    return () -> {
      await(cond.acquire());
      await(cond.waitNotified());
      log(tag);
      if (release) {
        cond.release();
      }
      return true;
    };
  }

  @Test
  void waitNotified() throws Exception {
    // asyncio's test_wait
    AsyncCondition cond = new AsyncCondition();
    runInForeground(
        () -> {
          Task<Boolean> t1 = scheduleCoroutine(waitAndLog(cond, "1", false));
          Task<Boolean> t2 = scheduleCoroutine(waitAndLog(cond, "2", false));
          Task<Boolean> t3 = scheduleCoroutine(waitAndLog(cond, "3", false));

          await(sleep(ZERO));
          assertThat(events).isEmpty();
          assertThat(cond.isLocked()).isFalse();

          await(cond.acquire());
          cond.signal();
          await(sleep(ZERO));
          assertThat(events).isEmpty();
          assertThat(cond.isLocked()).isTrue();

          cond.release();
          await(sleep(ZERO));
          assertThat(events).containsExactly("1");
          assertThat(cond.isLocked()).isTrue();

          cond.signal(2);
          await(sleep(ZERO));
          assertThat(events).containsExactly("1");
          assertThat(cond.isLocked()).isTrue();

          cond.release();
          await(sleep(ZERO));
          assertThat(events).containsExactly("1", "2");
          assertThat(cond.isLocked()).isTrue();

          cond.release();
          await(sleep(ZERO));
          assertThat(events).containsExactly("1", "2", "3");
          assertThat(cond.isLocked()).isTrue();

          assertThat(t1.isDone()).isTrue();
          assertThat(t1.result()).isTrue();
          assertThat(t2.isDone()).isTrue();
          assertThat(t2.result()).isTrue();
          assertThat(t3.isDone()).isTrue();
          assertThat(t3.result()).isTrue();
          return null;
        });
  }

  @Test
  void waitCancel() throws Exception {
    AsyncCondition cond = new AsyncCondition();
    runInForeground(
        () -> {
          await(cond.acquire());
          Task<Void> wait = scheduleCoroutine(cond.waitNotified());
          loop.callSoon(wait::cancel);
          assertThatThrownBy(() -> await(wait)).isInstanceOf(CancellationException.class);
          assertThat(cond.waitersNow()).isEmpty();
          assertThat(cond.isLocked()).isTrue();
          return null;
        });
  }

  @Test
  void waitCancelContested() throws Exception {
    AsyncCondition cond = new AsyncCondition();
    runInForeground(
        () -> {
          await(cond.acquire());
          assertThat(cond.isLocked()).isTrue();

          Task<Void> waitTask = scheduleCoroutine(cond.waitNotified());
          await(sleep(ZERO));
          assertThat(cond.isLocked()).isFalse();

          // Signal, but contest the lock before cancelling.
          await(cond.acquire());
          assertThat(cond.isLocked()).isTrue();
          cond.signal();
          loop.callSoon(waitTask::cancel);
          loop.callSoon(cond::release);

          try {
            await(waitTask);
          } catch (CancellationException e) {
            // should not happen, since there is no cancellation point; tolerated as in asyncio
          }
          assertThat(cond.isLocked()).isTrue();
          return null;
        });
  }

  @Test
  void waitCancelAfterNotify() throws Exception {
    // bpo-32841
    AsyncCondition cond = new AsyncCondition();
    boolean[] waited = {false};
    runInForeground(
        () -> {
          Task<Void> waiter =
              scheduleCoroutine(
                  () -> {
                    try (var held = cond.hold()) {
                      waited[0] = true; // this area was reached
                      await(cond.waitNotified());
                    }
                    return null;
                  });
          await(sleep(ZERO)); // start waiting

          await(cond.acquire());
          cond.signal();
          await(sleep(ZERO)); // get to acquire()
          waiter.cancel();
          await(sleep(ZERO)); // activate the cancellation
          cond.release();
          await(sleep(ZERO)); // the cancellation comes

          assertThat(waiter.isCancelled()).isTrue();
          assertThat(waited[0]).isTrue();
          return null;
        });
  }

  @Test
  void waitUnacquired() throws Exception {
    AsyncCondition cond = new AsyncCondition();
    assertThatThrownBy(() -> runInForeground(cond.waitNotified()))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "waitNotified() of an AsyncCondition whose lock is not held: acquire() or hold() the"
                + " condition first");
  }

  @Test
  void waitUntil() throws Exception {
    // asyncio's test_wait_for
    AsyncCondition cond = new AsyncCondition();
    boolean[] presult = {false};
    runInForeground(
        () -> {
          Task<Boolean> t =
              scheduleCoroutine(
                  () -> {
                    await(cond.acquire());
                    await(cond.waitUntil(() -> presult[0]));
                    log("1");
                    cond.release();
                    return true;
                  });

          await(sleep(ZERO));
          assertThat(events).isEmpty();

          await(cond.acquire());
          cond.signal();
          cond.release();
          await(sleep(ZERO));
          assertThat(events).isEmpty();

          presult[0] = true;
          await(cond.acquire());
          cond.signal();
          cond.release();
          await(sleep(ZERO));
          assertThat(events).containsExactly("1");

          assertThat(t.isDone()).isTrue();
          assertThat(t.result()).isTrue();
          return null;
        });
  }

  @Test
  void waitUntilUnacquired() throws Exception {
    // asyncio's test_wait_for_unacquired
    AsyncCondition cond = new AsyncCondition();
    // a predicate true at once needs no lock
    runInForeground(cond.waitUntil(() -> true));
    assertThatThrownBy(() -> runInForeground(cond.waitUntil(() -> false)))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("waitUntil() of an AsyncCondition whose lock is not held");
  }

  @Test
  void signal() throws Exception {
    // asyncio's test_notify (Object.notify takes the name)
    AsyncCondition cond = new AsyncCondition();
    runInForeground(
        () -> {
          Task<Boolean> t1 = scheduleCoroutine(waitAndLog(cond, "1", true));
          Task<Boolean> t2 = scheduleCoroutine(waitAndLog(cond, "2", true));
          Task<Boolean> t3 = scheduleCoroutine(waitAndLog(cond, "3", true));

          await(sleep(ZERO));
          assertThat(events).isEmpty();

          await(cond.acquire());
          cond.signal(1);
          cond.release();
          await(sleep(ZERO));
          assertThat(events).containsExactly("1");

          await(cond.acquire());
          cond.signal(1);
          cond.signal(2048);
          cond.release();
          await(sleep(ZERO));
          assertThat(events).containsExactly("1", "2", "3");

          assertThat(t1.isDone()).isTrue();
          assertThat(t1.result()).isTrue();
          assertThat(t2.isDone()).isTrue();
          assertThat(t2.result()).isTrue();
          assertThat(t3.isDone()).isTrue();
          assertThat(t3.result()).isTrue();
          return null;
        });
  }

  @Test
  void signalAll() throws Exception {
    // asyncio's test_notify_all (Object.notifyAll takes the name)
    AsyncCondition cond = new AsyncCondition();
    runInForeground(
        () -> {
          Task<Boolean> t1 = scheduleCoroutine(waitAndLog(cond, "1", true));
          Task<Boolean> t2 = scheduleCoroutine(waitAndLog(cond, "2", true));

          await(sleep(ZERO));
          assertThat(events).isEmpty();

          await(cond.acquire());
          cond.signalAll();
          cond.release();
          await(sleep(ZERO));
          assertThat(events).containsExactly("1", "2");

          assertThat(t1.isDone()).isTrue();
          assertThat(t1.result()).isTrue();
          assertThat(t2.isDone()).isTrue();
          assertThat(t2.result()).isTrue();
          return null;
        });
  }

  @Test
  void signalUnacquired() {
    // asyncio's test_notify_unacquired
    AsyncCondition cond = new AsyncCondition();
    assertThatThrownBy(cond::signal)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "signal() of an AsyncCondition whose lock is not held: acquire() or hold() the"
                + " condition first");
  }

  @Test
  void signalAllUnacquired() {
    // asyncio's test_notify_all_unacquired
    AsyncCondition cond = new AsyncCondition();
    assertThatThrownBy(cond::signalAll)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("signalAll() of an AsyncCondition whose lock is not held");
  }

  @Test
  void repr() throws Exception {
    AsyncCondition cond = new AsyncCondition();
    assertThat(cond).hasToString("AsyncCondition[unlocked]");

    runInForeground(cond.acquire());
    assertThat(cond).hasToString("AsyncCondition[locked]");

    Coroutine<Void> waiter =
        () -> {
          try (var held = cond.hold()) {
            await(cond.waitNotified());
          }
          return null;
        };
    Task<Void> w1 = scheduleCoroutine(waiter);
    cond.release(); // let it in
    runInForeground(sleep(ZERO));
    assertThat(cond).hasToString("AsyncCondition[unlocked, waiters:1]");
    Task<Void> w2 = scheduleCoroutine(waiter);
    runInForeground(sleep(ZERO));
    assertThat(cond).hasToString("AsyncCondition[unlocked, waiters:2]");

    runInForeground(
        () -> {
          try (var held = cond.hold()) {
            cond.signalAll();
          }
          await(w1);
          await(w2);
          return null;
        });
    assertThat(cond).hasToString("AsyncCondition[unlocked]");
  }

  @Test
  void contextManager() throws Exception {
    AsyncCondition cond = new AsyncCondition();
    runInForeground(
        () -> {
          assertThat(cond.isLocked()).isFalse();
          try (var held = cond.hold()) {
            assertThat(cond.isLocked()).isTrue();
          }
          assertThat(cond.isLocked()).isFalse();
          return null;
        });
  }

  @Test
  void explicitLock() throws Exception {
    runInForeground(explicitLockCase(null, null));
    runInForeground(explicitLockCase(new AsyncLock(), null));
    AsyncLock lock = new AsyncLock();
    runInForeground(explicitLockCase(lock, new AsyncCondition(lock)));
  }

  private static Coroutine<Void> explicitLockCase(AsyncLock given, AsyncCondition givenCond) {
    return () -> {
      AsyncLock lock = given != null ? given : new AsyncLock();
      AsyncCondition cond = givenCond != null ? givenCond : new AsyncCondition(lock);
      assertThat(cond.lock()).isSameAs(lock);
      assertThat(lock.isLocked()).isFalse();
      assertThat(cond.isLocked()).isFalse();
      try (var held = cond.hold()) {
        assertThat(lock.isLocked()).isTrue();
        assertThat(cond.isLocked()).isTrue();
      }
      assertThat(lock.isLocked()).isFalse();
      assertThat(cond.isLocked()).isFalse();
      try (var held = lock.hold()) {
        assertThat(lock.isLocked()).isTrue();
        assertThat(cond.isLocked()).isTrue();
      }
      assertThat(lock.isLocked()).isFalse();
      assertThat(cond.isLocked()).isFalse();
      return null;
    };
  }

  @Test
  void ambiguousLoops() throws Exception {
    try (EventLoop other = EventLoop.createVirtual()) {
      // Wrong loop in the lock: a task of the other loop waited on it, so it is that loop's.
      AsyncLock lock = new AsyncLock();
      runInForeground(
          () -> {
            await(lock.acquire());
            Task<Void> waiter = scheduleCoroutine(lock.acquire());
            await(sleep(ZERO)); // it waits: the lock is the other loop's from now on
            waiter.cancel();
            await(sleep(ZERO));
            lock.release();
            return null;
          },
          other);
      AsyncCondition cond = new AsyncCondition(lock);
      assertThatThrownBy(() -> runInForeground(cond.acquire()))
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("acquire() of AsyncLock called from another event loop");

      // Wrong loop in the condition: a task of the other loop waited on it.
      AsyncLock mine = new AsyncLock();
      AsyncCondition condOfOther = new AsyncCondition(mine);
      runInForeground(
          () -> {
            Task<Void> waiter =
                scheduleCoroutine(
                    () -> {
                      try (var held = condOfOther.hold()) { // the lock is free: no wait
                        await(condOfOther.waitNotified()); // binds the condition to this loop
                      }
                      return null;
                    });
            await(sleep(ZERO));
            waiter.cancel();
            await(waitTasks(java.util.List.of(waiter)));
            return null;
          },
          other);
      runInForeground(
          () -> {
            try (var held = mine.hold()) {
              assertThatThrownBy(() -> await(condOfOther.waitNotified()))
                  .isExactlyInstanceOf(IllegalStateException.class)
                  .hasMessageStartingWith(
                      "waitNotified() of AsyncCondition called from another event loop");
              assertThat(mine.isLocked()).isTrue();
            }
            return null;
          });
    }
  }


  @Test
  void timeoutInBlock() throws Exception {
    AsyncCondition condition = new AsyncCondition();
    runInForeground(
        () -> {
          try (var held = condition.hold()) {
            assertThatThrownBy(() -> await(waitFor(condition.waitNotified(), ofMillis(500))))
                .isExactlyInstanceOf(TimeoutException.class);
            assertThat(condition.isLocked()).isTrue();
          }
          return null;
        });
  }

  // ------------------------------------------------------------------ fgbg's own

  @Test
  void aCancelledWaiterTakesTheLockAgainBeforeItSeesTheCancellation() throws Exception {
    AsyncCondition cond = new AsyncCondition();
    runInForeground(
        () -> {
          Task<Void> waiter =
              scheduleCoroutine(
                  () -> {
                    await(cond.acquire());
                    try {
                      await(cond.waitNotified());
                    } catch (CancellationException e) {
                      log("cancelled, locked=" + cond.isLocked());
                      cond.release();
                      throw e;
                    }
                    return null;
                  });
          await(sleep(ZERO));
          await(cond.acquire()); // the waiter must wait for this to be released
          waiter.cancel();
          await(sleep(ZERO));
          await(sleep(ZERO));
          assertThat(events).isEmpty();
          assertThat(waiter.isDone()).isFalse();
          cond.release();
          assertThatThrownBy(() -> await(waiter)).isInstanceOf(CancellationException.class);
          return null;
        });
    assertThat(events).containsExactly("cancelled, locked=true");
  }

  @Test
  void aTaskWaitingOnTheConditionShowsInTheJobTable() throws Exception {
    AsyncCondition cond = new AsyncCondition();
    Task<Boolean> waiter = scheduleCoroutine(waitAndLog(cond, "1", true)); // Task-1
    Task<Boolean> second = scheduleCoroutine(waitAndLog(cond, "2", true)); // Task-2
    runInForeground(sleep(ZERO));
    assertThat(Fgbg.jobsTable(loop).lines())
        .containsExactly(
            "[1]-  Waiting  0.0 s  Task-1  wait of condition",
            "[2]+  Waiting  0.0 s  Task-2  wait of condition");
    runInForeground(cond.acquire());
    runInForeground(
        () -> {
          cond.signalAll();
          await(sleep(ZERO)); // they wake, and find the lock taken
          return null;
        });
    assertThat(Fgbg.jobsTable(loop).lines())
        .containsExactly(
            "[1]-  Waiting  0.0 s  Task-1  acquire of lock",
            "[2]+  Waiting  0.0 s  Task-2  acquire of lock");
    cond.release();
    runInForeground(second);
    runInForeground(waiter);
  }

  @Test
  void aNullPredicateIsRefusedByName() {
    assertThatThrownBy(() -> new AsyncCondition().waitUntil(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("predicate");
  }
}
