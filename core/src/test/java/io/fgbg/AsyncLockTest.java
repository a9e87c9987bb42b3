package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * asyncio's {@code LockTests} (Python 3.11, {@code Lib/test/test_asyncio/test_locks.py}), each
 * case named as it is there, then fgbg's own: the fast path, {@code hold()}, the job table and
 * the loop a lock belongs to.
 */
class AsyncLockTest extends LoopTestSupport {

  /** {@code await fut} on a plain future of the loop, inside a task. */
  static <T> T awaitFuture(LoopFuture<T> future) throws Exception {
    return Fgbg.requireTask("await").await(future);
  }

  @Test
  void repr() throws Exception {
    AsyncLock lock = new AsyncLock();
    assertThat(lock).hasToString("AsyncLock[unlocked]");
    runInForeground(lock.acquire());
    assertThat(lock).hasToString("AsyncLock[locked]");
    scheduleCoroutine(lock.acquire());
    runInForeground(sleep(ZERO));
    assertThat(lock).hasToString("AsyncLock[locked, waiters:1]");
    lock.release();
    runInForeground(sleep(ZERO));
    assertThat(lock).hasToString("AsyncLock[locked]");
  }

  @Test
  void acquire() throws Exception {
    AsyncLock lock = new AsyncLock();
    runInForeground(
        () -> {
          await(lock.acquire());
          Task<Boolean> t1 = scheduleCoroutine(acquireAndLog(lock, "1"));
          Task<Boolean> t2 = scheduleCoroutine(acquireAndLog(lock, "2"));

          await(sleep(ZERO));
          assertThat(events).isEmpty();

          lock.release();
          await(sleep(ZERO));
          assertThat(events).containsExactly("1");

          await(sleep(ZERO));
          assertThat(events).containsExactly("1");

          Task<Boolean> t3 = scheduleCoroutine(acquireAndLog(lock, "3"));

          lock.release();
          await(sleep(ZERO));
          assertThat(events).containsExactly("1", "2");

          lock.release();
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

  private Coroutine<Boolean> acquireAndLog(AsyncLock lock, String tag) {
    return () -> {
      await(lock.acquire());
      log(tag);
      return true;
    };
  }

  @Test
  void acquireCancel() throws Exception {
    AsyncLock lock = new AsyncLock();
    runInForeground(
        () -> {
          await(lock.acquire());
          Task<Void> task = scheduleCoroutine(lock.acquire());
          loop.callSoon(task::cancel);
          assertThatThrownBy(() -> await(task)).isInstanceOf(CancellationException.class);
          assertThat(lock.waitersNow()).isEmpty();
          return null;
        });
  }

  @Test
  void cancelRace() throws Exception {
    // A holds the lock, B and C wait; then B is cancelled while A releases: A's release must
    // pass over B's cancelled waiter to C's.
    AsyncLock lock = new AsyncLock();
    runInForeground(
        () -> {
          LoopFuture<Void> fa = new LoopFuture<>(loop, "blocker");
          Task<Void> ta = scheduleCoroutine(lockIt(lock, fa));
          await(sleep(ZERO));
          assertThat(lock.isLocked()).isTrue();
          Task<Void> tb = scheduleCoroutine(lockIt(lock, null));
          await(sleep(ZERO));
          assertThat(lock.waitersNow()).hasSize(1);
          Task<Void> tc = scheduleCoroutine(lockIt(lock, null));
          await(sleep(ZERO));
          assertThat(lock.waitersNow()).hasSize(2);

          fa.setResult(null);
          tb.cancel();
          assertThat(lock.waitersNow().get(0).isCancelled()).isTrue();
          await(sleep(ZERO));
          assertThat(lock.isLocked()).isFalse();
          assertThat(ta.isDone()).isTrue();
          assertThat(tb.isCancelled()).isTrue();
          await(tc);
          return null;
        });
  }

  private static Coroutine<Void> lockIt(AsyncLock lock, LoopFuture<Void> blocker) {
    return () -> {
      await(lock.acquire());
      try {
        if (blocker != null) {
          awaitFuture(blocker);
        }
      } finally {
        lock.release();
      }
      return null;
    };
  }

  @Test
  void cancelReleaseRace() throws Exception {
    // bpo-32734: with four acquires, cancelling the second and releasing the first must not
    // let two of them take the lock at once.
    AsyncLock lock = new AsyncLock();
    int[] lockCount = {0};
    int[] callCount = {0};
    Coroutine<Void> lockIt =
        () -> {
          callCount[0]++;
          await(lock.acquire());
          lockCount[0]++;
          return null;
        };
    runInForeground(
        () -> {
          await(lock.acquire());
          Task<Void> t1 = scheduleCoroutine(lockIt);
          Task<Void> t2 = scheduleCoroutine(lockIt);
          Task<Void> t3 = scheduleCoroutine(lockIt);

          await(sleep(ZERO)); // start the tasks

          loop.callSoon(
              () -> {
                t1.cancel();
                lock.release();
              });
          assertThatThrownBy(() -> await(t1)).isInstanceOf(CancellationException.class);

          assertThat(lockCount[0]).isEqualTo(1);
          assertThat(callCount[0]).isEqualTo(3);
          assertThat(t1.isCancelled() && t2.isDone()).isTrue();

          t3.cancel(); // the task still stuck on acquire
          await(sleep(ZERO));
          assertThat(t3.isCancelled()).isTrue();
          return null;
        });
  }

  @Test
  void finishedWaiterCancelled() throws Exception {
    AsyncLock lock = new AsyncLock();
    runInForeground(
        () -> {
          await(lock.acquire());
          assertThat(lock.isLocked()).isTrue();

          Task<Void> tb = scheduleCoroutine(lock.acquire());
          await(sleep(ZERO));
          assertThat(lock.waitersNow()).hasSize(1);

          // A second waiter; wake the first, and cancel it: the second must be woken instead.
          Task<Void> tc = scheduleCoroutine(lock.acquire());
          tb.cancel();
          lock.release();
          await(sleep(ZERO));

          assertThat(lock.isLocked()).isTrue();
          assertThat(tb.isCancelled()).isTrue();

          await(tc);
          return null;
        });
  }

  @Test
  void releaseNotAcquired() {
    AsyncLock lock = new AsyncLock();
    assertThatThrownBy(lock::release)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("release() of an unlocked AsyncLock");
  }

  @Test
  void releaseNoWaiters() throws Exception {
    AsyncLock lock = new AsyncLock();
    runInForeground(
        () -> {
          await(lock.acquire());
          assertThat(lock.isLocked()).isTrue();
          lock.release();
          assertThat(lock.isLocked()).isFalse();
          return null;
        });
  }

  @Test
  void contextManager() throws Exception {
    AsyncLock lock = new AsyncLock();
    runInForeground(
        () -> {
          assertThat(lock.isLocked()).isFalse();
          try (var held = lock.hold()) {
            assertThat(lock.isLocked()).isTrue();
          }
          assertThat(lock.isLocked()).isFalse();
          return null;
        });
  }

  // ------------------------------------------------------------------ fgbg's own

  @Test
  void acquiringAFreeLockDoesNotYield() throws Exception {
    AsyncLock lock = new AsyncLock();
    runInForeground(
        () -> {
          scheduleCoroutine(
              () -> {
                log("other ran");
                return null;
              });
          await(lock.acquire());
          log("acquired");
          await(sleep(ZERO));
          return null;
        });
    assertThat(events).containsExactly("acquired", "other ran");
  }

  @Test
  void aWaiterThatIsCancelledGivesItsTurnToTheNextInOrder() throws Exception {
    AsyncLock lock = new AsyncLock();
    runInForeground(
        () -> {
          await(lock.acquire());
          Task<Boolean> t1 = scheduleCoroutine(acquireAndLog(lock, "1"));
          Task<Boolean> t2 = scheduleCoroutine(acquireAndLog(lock, "2"));
          Task<Boolean> t3 = scheduleCoroutine(acquireAndLog(lock, "3"));
          await(sleep(ZERO));
          t1.cancel();
          lock.release();
          await(sleep(ZERO));
          await(sleep(ZERO));
          lock.release();
          await(t3);
          assertThat(t1.isCancelled()).isTrue();
          assertThat(t2.isDone()).isTrue();
          return null;
        });
    assertThat(events).containsExactly("2", "3");
  }

  @Test
  void holdOutsideATaskSaysToUseRunInForeground() {
    AsyncLock lock = new AsyncLock();
    assertThatThrownBy(lock::hold)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "hold() can only be used inside a task: outside one, use runInForeground() to run"
                + " the loop until the work is done");
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void closingAHoldTwiceReleasesOnce() throws Exception {
    AsyncLock lock = new AsyncLock();
    runInForeground(
        () -> {
          Held held = lock.hold();
          held.close();
          await(lock.acquire()); // someone else's turn now
          held.close();
          assertThat(lock.isLocked()).isTrue();
          lock.release();
          return null;
        });
  }

  @Test
  void aTaskWaitingForTheLockShowsInTheJobTable() throws Exception {
    AsyncLock lock = new AsyncLock();
    runInForeground(lock.acquire()); // Task-1
    Task<Void> waiter = scheduleCoroutine(lock.acquire()); // Task-2
    runInForeground(sleep(ZERO)); // Task-3
    assertThat(Fgbg.jobsTable(loop).lines())
        .containsExactly("[2]+  Waiting  0.0 s  Task-2  acquire of lock");
    lock.release();
    runInForeground(waiter);
  }

  @Test
  void aLockBelongsToTheLoopOfTheTaskThatFirstWaitedOnIt() throws Exception {
    AsyncLock lock = new AsyncLock();
    runInForeground(lock.acquire()); // free: taken without waiting, so no loop is bound yet
    Task<Void> waiter = scheduleCoroutine(lock.acquire());
    runInForeground(sleep(ZERO)); // it waits: the lock is this loop's from now on
    try (EventLoop other = EventLoop.createVirtual()) {
      assertThatThrownBy(() -> runInForeground(lock.acquire(), other))
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("acquire() of AsyncLock called from another event loop");
    }
    lock.release();
    runInForeground(waiter);
    assertThat(lock.isLocked()).as("the waiter of this loop got it").isTrue();
    lock.release();
  }

}
