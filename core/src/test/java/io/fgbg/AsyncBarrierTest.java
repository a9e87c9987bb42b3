package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * asyncio's {@code BarrierTests} (Python 3.11, {@code Lib/test/test_asyncio/test_locks.py}), each
 * case named as it is there ({@code async with barrier as i} is {@code i =
 * await(barrier.waitParties())}), then fgbg's own.
 */
class AsyncBarrierTest extends LoopTestSupport {
  private int n = 5;
  private final List<Boolean> results1 = new ArrayList<>();
  private final List<Boolean> results2 = new ArrayList<>();
  private final List<Boolean> results3 = new ArrayList<>();

  private <T> List<Task<T>> makeTasks(int count, Coroutine<T> coro) {
    List<Task<T>> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tasks.add(scheduleCoroutine(coro));
    }
    return tasks;
  }

  /** Inside a task: makes {@code count} tasks of {@code coro} and gathers their results. */
  private <T> List<T> gatherTasks(int count, Coroutine<T> coro) throws Exception {
    return await(gather(makeTasks(count, coro)));
  }

  private static List<Integer> upTo(int count) {
    return IntStream.range(0, count).boxed().toList();
  }

  @Test
  void repr() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(n);
    assertThat(barrier).hasToString("AsyncBarrier[filling, waiters:0/5]");
    runInForeground(
        () -> {
          List<Task<Integer>> waiters = new ArrayList<>();
          int incr = 2;
          waiters.addAll(makeTasks(incr, barrier.waitParties()));
          await(sleep(ZERO));
          assertThat(barrier).hasToString("AsyncBarrier[filling, waiters:2/5]");

          // the missing waiters
          waiters.addAll(makeTasks(barrier.parties() - barrier.waiting(), barrier.waitParties()));
          await(sleep(ZERO));
          assertThat(barrier).hasToString("AsyncBarrier[draining, waiters:0/5]");

          // some waiters more, then reset
          waiters.addAll(makeTasks(incr, barrier.waitParties()));
          await(sleep(ZERO));
          await(barrier.reset());
          assertThat(barrier).hasToString("AsyncBarrier[resetting, waiters:0/5]");

          // some waiters more again, then abort
          waiters.addAll(makeTasks(incr, barrier.waitParties()));
          await(sleep(ZERO));
          await(barrier.abort());
          assertThat(barrier).hasToString("AsyncBarrier[broken]");
          assertThat(barrier.isBroken()).isTrue();

          await(waitTasks(waiters)); // gather(..., return_exceptions=True)
          return null;
        });
  }

  @Test
  void barrierParties() {
    assertThatThrownBy(() -> new AsyncBarrier(0))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("AsyncBarrier's parties must be > 0, not 0");
    assertThatThrownBy(() -> new AsyncBarrier(-4))
        .isExactlyInstanceOf(IllegalArgumentException.class);
    assertThat(new AsyncBarrier(n).parties()).isEqualTo(n);
  }

  @Test
  void contextManager() throws Exception {
    n = 3;
    AsyncBarrier barrier = new AsyncBarrier(n);
    List<Integer> results = new ArrayList<>();
    runInForeground(
        () ->
            gatherTasks(
                n,
                () -> {
                  results.add(await(barrier.waitParties()));
                  return null;
                }));
    assertThat(results).containsExactlyInAnyOrderElementsOf(upTo(n));
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void fillingOneTask() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(1);
    boolean ret =
        runInForeground(
            () -> {
              await(barrier.waitParties());
              return true;
            });
    assertThat(ret).isTrue();
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void fillingOneTaskTwice() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(1);
    runInForeground(
        () -> {
          Task<Integer> t1 = scheduleCoroutine(barrier.waitParties());
          await(sleep(ZERO));
          assertThat(barrier.waiting()).isZero();

          Task<Integer> t2 = scheduleCoroutine(barrier.waitParties());
          await(sleep(ZERO));

          assertThat(t1.result()).isEqualTo(t2.result());
          assertThat(t1.isDone()).isEqualTo(t2.isDone());

          assertThat(barrier.waiting()).isZero();
          assertThat(barrier.isBroken()).isFalse();
          return null;
        });
  }

  @Test
  void fillingTaskByTask() throws Exception {
    n = 3;
    AsyncBarrier barrier = new AsyncBarrier(n);
    runInForeground(
        () -> {
          Task<Integer> t1 = scheduleCoroutine(barrier.waitParties());
          await(sleep(ZERO));
          assertThat(barrier.waiting()).isEqualTo(1);
          assertThat(barrier.toString()).contains("filling");

          Task<Integer> t2 = scheduleCoroutine(barrier.waitParties());
          await(sleep(ZERO));
          assertThat(barrier.waiting()).isEqualTo(2);
          assertThat(barrier.toString()).contains("filling");

          Task<Integer> t3 = scheduleCoroutine(barrier.waitParties());
          await(sleep(ZERO));

          await(waitTasks(List.of(t1, t2, t3)));

          assertThat(barrier.waiting()).isZero();
          assertThat(barrier.isBroken()).isFalse();
          return null;
        });
  }

  @Test
  void fillingTasksWaitTwice() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(n);
    List<Boolean> results = new ArrayList<>();
    runInForeground(
        () ->
            gatherTasks(
                n,
                () -> {
                  await(barrier.waitParties());
                  results.add(true);
                  await(barrier.waitParties());
                  results.add(false);
                  return null;
                }));
    assertThat(results).hasSize(n * 2);
    assertThat(Collections.frequency(results, true)).isEqualTo(n);
    assertThat(Collections.frequency(results, false)).isEqualTo(n);
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void fillingTasksCheckReturnValue() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(n);
    List<Integer> res =
        runInForeground(
            () ->
                gatherTasks(
                    n,
                    () -> {
                      await(barrier.waitParties());
                      results1.add(true);
                      int i = await(barrier.waitParties());
                      results2.add(true);
                      return i;
                    }));
    assertThat(results1).hasSize(n).containsOnly(true);
    assertThat(results2).hasSize(n).containsOnly(true);
    assertThat(res).containsExactlyInAnyOrderElementsOf(upTo(n));
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void drainingState() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(n);
    List<Boolean> results = new ArrayList<>();
    runInForeground(
        () ->
            gatherTasks(
                n,
                () -> {
                  await(barrier.waitParties());
                  // the state goes back to filling once the last task is released
                  results.add(barrier.toString().contains("draining"));
                  return null;
                }));
    assertThat(results).hasSize(n);
    assertThat(results.get(n - 1)).isFalse();
    assertThat(results.subList(0, n - 1)).containsOnly(true);
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void blockingTasksWhileDraining() throws Exception {
    int rewait = 2;
    AsyncBarrier barrier = new AsyncBarrier(n);
    AsyncBarrier barrierNowaiting = new AsyncBarrier(n - rewait);
    int[] rewaitN = {rewait};
    // a success means that barrierNowaiting was waited for exactly n - rewait = 3 times
    runInForeground(
        () ->
            gatherTasks(
                n,
                () -> {
                  await(barrier.waitParties()); // the first time
                  if (rewaitN[0] > 0) {
                    rewaitN[0]--;
                    await(barrier.waitParties()); // again, for the rewait tasks only
                  } else {
                    await(barrierNowaiting.waitParties()); // the end of draining
                    await(barrier.waitParties()); // the other waiting tasks
                  }
                  return null;
                }));
    assertThat(barrier.waiting()).isZero();
    assertThat(barrierNowaiting.waiting()).isZero();
  }

  @Test
  void fillingTasksCancelOne() throws Exception {
    n = 3;
    AsyncBarrier barrier = new AsyncBarrier(n);
    List<Boolean> results = new ArrayList<>();
    Coroutine<Void> coro =
        () -> {
          await(barrier.waitParties());
          results.add(true);
          return null;
        };
    runInForeground(
        () -> {
          Task<Void> t1 = scheduleCoroutine(coro);
          await(sleep(ZERO));
          assertThat(barrier.waiting()).isEqualTo(1);

          Task<Void> t2 = scheduleCoroutine(coro);
          await(sleep(ZERO));
          assertThat(barrier.waiting()).isEqualTo(2);

          t1.cancel();
          await(sleep(ZERO));
          assertThat(barrier.waiting()).isEqualTo(1);
          assertThatThrownBy(() -> await(t1)).isInstanceOf(CancellationException.class);
          assertThat(t1.isCancelled()).isTrue();

          Task<Void> t3 = scheduleCoroutine(coro);
          await(sleep(ZERO));
          assertThat(barrier.waiting()).isEqualTo(2);

          Task<Void> t4 = scheduleCoroutine(coro);
          await(gather(List.of(t2, t3, t4)));
          return null;
        });
    assertThat(results).hasSize(n).containsOnly(true);
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void resetBarrier() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(1);
    runInForeground(
        () -> {
          scheduleCoroutine(barrier.reset());
          await(sleep(ZERO));
          return null;
        });
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void resetBarrierWhileTasksWaiting() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(n);
    runInForeground(
        () -> {
          // n - 1 tasks wait on a barrier of n parties
          List<Task<Void>> tasks =
              makeTasks(
                  n - 1,
                  () -> {
                    try {
                      await(barrier.waitParties());
                    } catch (BrokenBarrierException e) {
                      results1.add(true);
                    }
                    return null;
                  });
          await(sleep(ZERO));

          scheduleCoroutine(barrier.reset());
          await(gather(tasks));
          return null;
        });
    assertThat(results1).hasSize(n - 1).containsOnly(true);
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.toString()).doesNotContain("resetting");
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void resetBarrierWhenTasksHalfDraining() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(n);
    int restOfTasks = n / 2;
    runInForeground(
        () ->
            gatherTasks(
                n,
                () -> {
                  try {
                    await(barrier.waitParties());
                  } catch (BrokenBarrierException e) {
                    results1.add(true); // the tasks still waiting
                    return null;
                  }
                  // a drained task, out of the barrier
                  if (restOfTasks == barrier.countNow()) {
                    await(barrier.reset()); // the tasks still inside the barrier
                  }
                  return null;
                }));
    assertThat(results1).isEqualTo(Collections.nCopies(restOfTasks, true));
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.toString()).doesNotContain("resetting");
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void resetBarrierWhenTasksHalfDrainingHalfBlocking() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(n);
    int blockingTasks = n / 2;
    int[] count = {0};
    runInForeground(
        () ->
            gatherTasks(
                n,
                () -> {
                  try {
                    await(barrier.waitParties());
                  } catch (BrokenBarrierException e) {
                    results1.add(true); // the tasks still waiting
                    await(barrier.waitParties()); // now wait again, to reach the parties
                    return null;
                  }
                  count[0]++;
                  if (count[0] > blockingTasks) {
                    // reset now: BrokenBarrierException for the waiting tasks
                    await(barrier.reset());
                    await(barrier.waitParties()); // now wait again, to reach the parties
                  } else {
                    try {
                      await(barrier.waitParties());
                    } catch (BrokenBarrierException e) {
                      results2.add(true); // never: blocked tasks go on waiting
                    }
                  }
                  return null;
                }));
    assertThat(results1).isEqualTo(Collections.nCopies(blockingTasks, true));
    assertThat(results2).isEmpty();
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.toString()).doesNotContain("resetting");
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void resetBarrierWhileTasksWaitingAndWaitingAgain() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(n);
    runInForeground(
        () -> {
          List<Task<Void>> tasks =
              makeTasks(
                  n - 1,
                  () -> {
                    try {
                      await(barrier.waitParties());
                    } catch (BrokenBarrierException e) {
                      results1.add(true);
                    } finally {
                      await(barrier.waitParties());
                      results2.add(true);
                    }
                    return null;
                  });

          // reset: the n - 1 waiting tasks throw BrokenBarrierException
          scheduleCoroutine(barrier.reset());
          await(sleep(ZERO));

          // the waiting tasks complete in their finally
          scheduleCoroutine(
              () -> {
                await(barrier.waitParties());
                results2.add(true);
                return null;
              });

          await(gather(tasks));
          return null;
        });
    assertThat(barrier.isBroken()).isFalse();
    assertThat(results1).hasSize(n - 1).containsOnly(true);
    assertThat(results2).hasSize(n).containsOnly(true);
    assertThat(barrier.waiting()).isZero();
  }

  @Test
  void resetBarrierWhileTasksDraining() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(n);
    int[] count = {0};
    runInForeground(
        () ->
            gatherTasks(
                n,
                () -> {
                  await(barrier.waitParties());
                  count[0]++;
                  if (count[0] == n) {
                    await(barrier.reset()); // the last task out of the barrier
                    await(barrier.waitParties()); // wait here to reach the parties
                  } else {
                    try {
                      await(barrier.waitParties()); // the second wait
                      results1.add(true); // n - 1 tasks here
                    } catch (Exception e) {
                      results2.add(true); // never here
                    }
                  }
                  // pass the barrier once more: this last wait must complete
                  await(barrier.waitParties());
                  results3.add(true);
                  return null;
                }));
    assertThat(barrier.isBroken()).isFalse();
    assertThat(results1).hasSize(n - 1).containsOnly(true);
    assertThat(results2).isEmpty();
    assertThat(results3).hasSize(n).containsOnly(true);
    assertThat(barrier.waiting()).isZero();
  }

  @Test
  void abortBarrier() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(1);
    runInForeground(
        () -> {
          scheduleCoroutine(barrier.abort());
          await(sleep(ZERO));
          return null;
        });
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.isBroken()).isTrue();
  }

  @Test
  void abortBarrierWhenTasksHalfDrainingHalfBlocking() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(n);
    int blockingTasks = n / 2;
    int[] count = {0};
    runInForeground(
        () ->
            gatherTasks(
                n,
                () -> {
                  try {
                    await(barrier.waitParties());
                  } catch (BrokenBarrierException e) {
                    results1.add(true); // the tasks waiting to drain
                    return null;
                  }
                  count[0]++;
                  if (count[0] > blockingTasks) {
                    await(barrier.abort()); // BrokenBarrierException for every task
                  } else {
                    try {
                      await(barrier.waitParties());
                    } catch (BrokenBarrierException e) {
                      results2.add(true); // the blocked tasks (already drained)
                    }
                  }
                  return null;
                }));
    assertThat(barrier.isBroken()).isTrue();
    assertThat(results1).isEqualTo(Collections.nCopies(blockingTasks, true));
    assertThat(results2).isEqualTo(Collections.nCopies(n - blockingTasks - 1, true));
    assertThat(barrier.waiting()).isZero();
    assertThat(barrier.toString()).doesNotContain("resetting");
  }

  @Test
  void abortBarrierWhenException() throws Exception {
    // from threading.Barrier's tests: lock_tests.test_reset
    AsyncBarrier barrier = new AsyncBarrier(n);
    runInForeground(
        () ->
            gatherTasks(
                n,
                () -> {
                  try {
                    int i = await(barrier.waitParties());
                    if (i == n / 2) {
                      throw new RuntimeException();
                    }
                    await(barrier.waitParties());
                    results1.add(true);
                  } catch (BrokenBarrierException e) {
                    results2.add(true);
                  } catch (RuntimeException e) {
                    await(barrier.abort());
                  }
                  return null;
                }));
    assertThat(barrier.isBroken()).isTrue();
    assertThat(results1).isEmpty();
    assertThat(results2).hasSize(n - 1).containsOnly(true);
    assertThat(barrier.waiting()).isZero();
  }

  @Test
  void abortBarrierWhenExceptionThenResetting() throws Exception {
    // from threading.Barrier's tests: lock_tests.test_abort_and_reset
    AsyncBarrier barrier1 = new AsyncBarrier(n);
    AsyncBarrier barrier2 = new AsyncBarrier(n);
    runInForeground(
        () ->
            gatherTasks(
                n,
                () -> {
                  try {
                    int i = await(barrier1.waitParties());
                    if (i == n / 2) {
                      throw new RuntimeException();
                    }
                    await(barrier1.waitParties());
                    results1.add(true);
                  } catch (BrokenBarrierException e) {
                    results2.add(true);
                  } catch (RuntimeException e) {
                    await(barrier1.abort());
                  }
                  // Synchronize and reset the barrier: first so that everyone has left it when
                  // it is reset, and after so that nobody enters it before the reset.
                  int i = await(barrier2.waitParties());
                  if (i == n / 2) {
                    await(barrier1.reset());
                  }
                  await(barrier2.waitParties());
                  await(barrier1.waitParties());
                  results3.add(true);
                  return null;
                }));
    assertThat(barrier1.isBroken()).isFalse();
    assertThat(results1).isEmpty();
    assertThat(results2).hasSize(n - 1).containsOnly(true);
    assertThat(results3).hasSize(n).containsOnly(true);
    assertThat(barrier1.waiting()).isZero();
  }

  // ------------------------------------------------------------------ fgbg's own

  @Test
  void aBrokenBarrierRefusesEveryWait() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(2);
    runInForeground(barrier.abort());
    assertThatThrownBy(() -> runInForeground(barrier.waitParties()))
        .isExactlyInstanceOf(BrokenBarrierException.class)
        .hasMessage("AsyncBarrier aborted");
    runInForeground(barrier.reset());
    assertThat(barrier.isBroken()).isFalse();
  }

  @Test
  void aTaskWaitingAtTheBarrierShowsInTheJobTable() throws Exception {
    AsyncBarrier barrier = new AsyncBarrier(2);
    Task<Integer> first = scheduleCoroutine(barrier.waitParties()); // Task-1
    runInForeground(sleep(ZERO));
    assertThat(Fgbg.jobsTable(loop).lines())
        .containsExactly("[1]+  Waiting  0.0 s  Task-1  wait of barrier");
    assertThat(runInForeground(barrier.waitParties())).isEqualTo(1);
    assertThat(runInForeground(first)).isZero();
  }
}
