package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitFor;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * asyncio's {@code SemaphoreTests} (Python 3.11.7, {@code Lib/test/test_asyncio/test_locks.py}),
 * each case named as it is there, then fgbg's own.
 */
class AsyncSemaphoreTest extends LoopTestSupport {

  private Coroutine<Boolean> acquireAndLog(AsyncSemaphore sem, String tag) {
    return () -> {
      await(sem.acquire());
      log(tag);
      return true;
    };
  }

  @Test
  void initialValueZero() {
    AsyncSemaphore sem = new AsyncSemaphore(0);
    assertThat(sem.isLocked()).isTrue();
  }

  @Test
  void repr() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(1);
    assertThat(sem).hasToString("AsyncSemaphore[unlocked, value:1]");

    runInForeground(sem.acquire());
    assertThat(sem).hasToString("AsyncSemaphore[locked]");

    Task<Void> w1 = scheduleCoroutine(sem.acquire());
    runInForeground(sleep(ZERO));
    assertThat(sem).hasToString("AsyncSemaphore[locked, waiters:1]");
    Task<Void> w2 = scheduleCoroutine(sem.acquire());
    runInForeground(sleep(ZERO));
    assertThat(sem).hasToString("AsyncSemaphore[locked, waiters:2]");

    sem.release();
    sem.release();
    runInForeground(w1);
    runInForeground(w2);
  }

  @Test
  void semaphoreValue() {
    assertThatThrownBy(() -> new AsyncSemaphore(-1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("AsyncSemaphore's initial value must be >= 0, not -1");
    assertThatThrownBy(() -> AsyncSemaphore.bounded(-1))
        .isExactlyInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acquire() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(3);
    runInForeground(
        () -> {
          await(sem.acquire());
          await(sem.acquire());
          assertThat(sem.isLocked()).isFalse();

          Task<Boolean> t1 = scheduleCoroutine(acquireAndLog(sem, "1"));
          Task<Boolean> t2 = scheduleCoroutine(acquireAndLog(sem, "2"));
          Task<Boolean> t3 = scheduleCoroutine(acquireAndLog(sem, "3"));

          await(sleep(ZERO));
          assertThat(events).containsExactly("1");
          assertThat(sem.isLocked()).isTrue();
          assertThat(sem.waitersNow()).hasSize(2);
          assertThat(sem.valueNow()).isZero();

          Task<Boolean> t4 = scheduleCoroutine(acquireAndLog(sem, "4"));

          sem.release();
          sem.release();
          assertThat(sem.valueNow()).isZero();

          await(sleep(ZERO));
          assertThat(sem.valueNow()).isZero();
          assertThat(events).hasSize(3);
          assertThat(sem.isLocked()).isTrue();
          assertThat(sem.waitersNow()).hasSize(1);
          assertThat(sem.valueNow()).isZero();

          assertThat(t1.isDone()).isTrue();
          assertThat(t1.result()).isTrue();
          List<Task<Boolean>> raceTasks = List.of(t2, t3, t4);
          assertThat(raceTasks.stream().filter(Task::isDone)).hasSize(2);

          sem.release(); // let the last one in
          await(gather(raceTasks));
          return null;
        });
  }

  @Test
  void acquireCancel() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(1);
    runInForeground(
        () -> {
          await(sem.acquire());
          Task<Void> acquire = scheduleCoroutine(sem.acquire());
          loop.callSoon(acquire::cancel);
          assertThatThrownBy(() -> await(acquire)).isInstanceOf(CancellationException.class);
          assertThat(sem.waitersNow()).allMatch(LoopFuture::isDone);
          return null;
        });
  }

  @Test
  void acquireCancelBeforeAwoken() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(0);
    runInForeground(
        () -> {
          Task<Void> t1 = scheduleCoroutine(sem.acquire());
          Task<Void> t2 = scheduleCoroutine(sem.acquire());
          Task<Void> t3 = scheduleCoroutine(sem.acquire());
          Task<Void> t4 = scheduleCoroutine(sem.acquire());

          await(sleep(ZERO));

          t1.cancel();
          t2.cancel();
          sem.release();

          await(sleep(ZERO));
          await(sleep(ZERO));
          assertThat(List.of(t3, t4).stream().filter(Task::isDone)).hasSize(1);
          assertThat(t3.isDone()).isTrue();
          assertThat(t4.isDone()).isFalse();

          t3.cancel();
          t4.cancel();
          await(sleep(ZERO));
          return null;
        });
  }

  @Test
  void acquireHang() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(0);
    runInForeground(
        () -> {
          Task<Void> t1 = scheduleCoroutine(sem.acquire());
          Task<Void> t2 = scheduleCoroutine(sem.acquire());
          await(sleep(ZERO));

          t1.cancel();
          sem.release();
          await(sleep(ZERO));
          await(sleep(ZERO));
          assertThat(sem.isLocked()).isTrue();
          assertThat(t2.isDone()).isTrue();
          return null;
        });
  }

  @Test
  void acquireNoHang() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(1);
    runInForeground(
        () -> {
          @SuppressWarnings("unchecked")
          Task<Void>[] t2 = new Task[1];
          Task<Void> t1 =
              scheduleCoroutine(
                  () -> {
                    try (var held = sem.hold()) {
                      await(sleep(ZERO));
                    }
                    t2[0].cancel();
                    return null;
                  });
          t2[0] =
              scheduleCoroutine(
                  () -> {
                    try (var held = sem.hold()) {
                      fail("the cancelled task took the semaphore");
                    }
                    return null;
                  });

          await(waitTasks(List.of(t1, t2[0]))); // gather(..., return_exceptions=True)
          assertThat(t1.result()).isNull();
          assertThat(t2[0].exception()).isInstanceOf(CancellationException.class);

          await(waitFor(sem.acquire(), ofSeconds(1)));
          return null;
        });
  }

  @Test
  void releaseNotAcquired() {
    AsyncSemaphore sem = AsyncSemaphore.bounded(1);
    assertThatThrownBy(sem::release)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "release() of a bounded AsyncSemaphore would take it above its initial value, 1:"
                + " it was released more times than it was acquired");
  }

  @Test
  void releaseNoWaiters() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(1);
    runInForeground(sem.acquire());
    assertThat(sem.isLocked()).isTrue();

    sem.release();
    assertThat(sem.isLocked()).isFalse();
  }

  @Test
  void acquireFifoOrder() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(1);
    runInForeground(
        () -> {
          // asyncio's TaskGroup here: three tasks, then wait for all of them
          List<Task<Void>> tasks =
              List.of(
                  scheduleCoroutine(twiceInTurn(sem, "c1")),
                  scheduleCoroutine(twiceInTurn(sem, "c2")),
                  scheduleCoroutine(twiceInTurn(sem, "c3")));
          await(gather(tasks));
          return null;
        });
    assertThat(events).containsExactly("c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2");
  }

  private Coroutine<Void> twiceInTurn(AsyncSemaphore sem, String tag) {
    return () -> {
      await(sem.acquire());
      log(tag + "_1");
      await(sleep(ofMillis(10)));
      sem.release();

      await(sem.acquire());
      log(tag + "_2");
      await(sleep(ofMillis(10)));
      sem.release();
      return null;
    };
  }

  @Test
  void acquireFifoOrder2() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(1);
    runInForeground(
        () -> {
          Task<Boolean> t1 = scheduleCoroutine(acquireAndLog(sem, "1"));
          Task<Boolean> t2 =
              scheduleCoroutine(
                  () -> {
                    await(sem.acquire());
                    log("2");
                    sem.release();
                    await(sem.acquire());
                    log("4");
                    return true;
                  });
          Task<Boolean> t3 = scheduleCoroutine(acquireAndLog(sem, "3"));

          await(sleep(ZERO));

          sem.release();
          sem.release();

          await(gather(List.of(t1, t2, t3)));
          return null;
        });
    assertThat(events).containsExactly("1", "2", "3", "4");
  }

  @Test
  void acquireFifoOrder3() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(0);
    runInForeground(
        () -> {
          Task<Boolean> t1 = scheduleCoroutine(acquireAndLog(sem, "1"));
          Task<Boolean> t2 = scheduleCoroutine(acquireAndLog(sem, "2"));
          Task<Boolean> t3 = scheduleCoroutine(acquireAndLog(sem, "3"));

          await(sleep(ZERO));

          t1.cancel();

          await(sleep(ZERO));

          sem.release();
          sem.release();

          await(waitTasks(List.of(t1, t2, t3))); // gather(..., return_exceptions=True)
          assertThat(t1.isCancelled()).isTrue();
          return null;
        });
    assertThat(events).containsExactly("2", "3");
  }

  // ------------------------------------------------------------------ fgbg's own

  @Test
  void acquiringAFreePermitDoesNotYield() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(2);
    runInForeground(
        () -> {
          scheduleCoroutine(
              () -> {
                log("other ran");
                return null;
              });
          await(sem.acquire());
          try (var held = sem.hold()) {
            log("two permits taken");
          }
          await(sleep(ZERO));
          return null;
        });
    assertThat(events).containsExactly("two permits taken", "other ran");
  }

  @Test
  void aBoundedSemaphoreTakesBackWhatWasTaken() throws Exception {
    AsyncSemaphore sem = AsyncSemaphore.bounded(2);
    runInForeground(sem.acquire());
    runInForeground(sem.acquire());
    sem.release();
    sem.release();
    assertThatThrownBy(sem::release).isExactlyInstanceOf(IllegalStateException.class);
    assertThat(runInForeground(() -> sem.valueNow())).isEqualTo(2);
  }

  @Test
  void aTaskWaitingForAPermitShowsInTheJobTable() throws Exception {
    AsyncSemaphore sem = new AsyncSemaphore(0);
    Task<Void> waiter = scheduleCoroutine(sem.acquire()); // Task-1
    runInForeground(sleep(ZERO));
    assertThat(Fgbg.jobsTable(loop).lines())
        .containsExactly("[1]+  Waiting  0.0 s  Task-1  acquire of semaphore");
    sem.release();
    runInForeground(waiter);
  }
}
