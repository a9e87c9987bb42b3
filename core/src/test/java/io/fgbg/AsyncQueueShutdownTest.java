package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fgbg.AsyncQueueTest.Kind;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CPython 3.13's {@code _QueueShutdownTestMixin} of {@code Lib/test/test_asyncio/test_queues.py},
 * case by case, over the three {@link Kind}s as Python runs it over {@code Queue}, {@code
 * LifoQueue} and {@code PriorityQueue}; then what fgbg adds: the order in which a shutdown wakes
 * the waiting tasks, and the messages.
 */
@Timeout(60) // a lost wake-up would leave a task waiting for ever: fail instead
class AsyncQueueShutdownTest extends LoopTestSupport {

  /** Python's assertRaisesShutdown. */
  private static void assertRaisesShutdown(ThrowingCallable call) {
    assertThatThrownBy(call)
        .as("Didn't appear to shut-down queue")
        .isExactlyInstanceOf(QueueShutDownException.class);
  }

  /** Python's assertRaises(ValueError, msg="Didn't appear to mark all tasks done"). */
  private static void assertAllTasksDone(AsyncQueue<?> q) {
    assertThatThrownBy(q::taskDone)
        .as("Didn't appear to mark all tasks done")
        .isExactlyInstanceOf(IllegalStateException.class);
  }

  /** The four calls that a shut-down, empty queue refuses. */
  private static void assertPutsAndGetsRaiseShutdown(AsyncQueue<String> q) {
    assertRaisesShutdown(() -> await(q.put("data")));
    assertRaisesShutdown(() -> q.putNowait("data"));

    assertRaisesShutdown(() -> await(q.get()));
    assertRaisesShutdown(q::getNowait);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void testFormat(Kind kind) {
    AsyncQueue<String> q = kind.make(0);
    q.shutdown();
    assertThat(q.toString()).isEqualTo("AsyncQueue(maxSize=0 shutdown)");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void testShutdownEmpty(Kind kind) throws Exception {
    // Setup empty queue, and join() and get() tasks
    AsyncQueue<String> q = kind.make(0);
    runInForeground(
        () -> {
          Task<String> getTask = scheduleCoroutine(q.get());
          await(sleep(ZERO)); // want get task pending before shutdown

          // Perform shut-down
          q.shutdown(false); // unfinished tasks: 0 -> 0

          assertThat(q.size()).isZero();

          // Ensure join() task successfully finishes
          await(q.join());

          // Ensure get() task is finished, and raised ShutDown
          await(sleep(ZERO));
          assertThat(getTask.isDone()).isTrue();
          assertRaisesShutdown(() -> await(getTask));

          // Ensure put() and get() raise ShutDown
          assertPutsAndGetsRaiseShutdown(q);
          return null;
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void testShutdownNonempty(Kind kind) throws Exception {
    // Setup full queue with 1 item, and join() and put() tasks
    AsyncQueue<String> q = kind.make(1);
    runInForeground(
        () -> {
          q.putNowait("data");
          Task<Void> joinTask = scheduleCoroutine(q.join());
          Task<Void> putTask = scheduleCoroutine(q.put("data2"));

          // Ensure put() task is not finished
          await(sleep(ZERO));
          assertThat(putTask.isDone()).isFalse();

          // Perform shut-down
          q.shutdown(false); // unfinished tasks: 1 -> 1

          assertThat(q.size()).isEqualTo(1);

          // Ensure put() task is finished, and raised ShutDown
          await(sleep(ZERO));
          assertThat(putTask.isDone()).isTrue();
          assertRaisesShutdown(() -> await(putTask));

          // Ensure get() succeeds on enqueued item
          assertThat(await(q.get())).isEqualTo("data");

          // Ensure join() task is not finished
          await(sleep(ZERO));
          assertThat(joinTask.isDone()).isFalse();

          // Ensure put() and get() raise ShutDown
          assertPutsAndGetsRaiseShutdown(q);

          // Ensure there is 1 unfinished task, and join() task succeeds
          q.taskDone();

          await(sleep(ZERO));
          assertThat(joinTask.isDone()).isTrue();
          await(joinTask);

          assertAllTasksDone(q);
          return null;
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void testShutdownImmediate(Kind kind) throws Exception {
    // Setup queue with 1 item, and a join() task
    AsyncQueue<String> q = kind.make(0);
    runInForeground(
        () -> {
          q.putNowait("data");
          Task<Void> joinTask = scheduleCoroutine(q.join());

          // Perform shut-down
          q.shutdown(true); // unfinished tasks: 1 -> 0

          assertThat(q.size()).isZero();

          // Ensure join() task has successfully finished
          await(sleep(ZERO));
          assertThat(joinTask.isDone()).isTrue();
          await(joinTask);

          // Ensure put() and get() raise ShutDown
          assertPutsAndGetsRaiseShutdown(q);

          // Ensure there are no unfinished tasks
          assertAllTasksDone(q);
          return null;
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void testShutdownImmediateWithUnfinished(Kind kind) throws Exception {
    // Setup queue with 2 items (1 retrieved), and a join() task
    AsyncQueue<String> q = kind.make(0);
    runInForeground(
        () -> {
          q.putNowait("data");
          q.putNowait("data");
          Task<Void> joinTask = scheduleCoroutine(q.join());
          assertThat(await(q.get())).isEqualTo("data");

          // Perform shut-down
          q.shutdown(true); // unfinished tasks: 2 -> 1

          assertThat(q.size()).isZero();

          // Ensure join() task is not finished
          await(sleep(ZERO));
          assertThat(joinTask.isDone()).isFalse();

          // Ensure put() and get() raise ShutDown
          assertPutsAndGetsRaiseShutdown(q);

          // Ensure there is 1 unfinished task
          q.taskDone();
          assertAllTasksDone(q);

          // Ensure join() task has successfully finished
          await(sleep(ZERO));
          assertThat(joinTask.isDone()).isTrue();
          await(joinTask);
          return null;
        });
  }

  // ------------------------------------------------------------------ fgbg's own

  @Test
  void aShutdownWakesTheWaitingGettersThenThePuttersEachInTheOrderTheyCame() throws Exception {
    AsyncQueue<Integer> empty = new AsyncQueue<>();
    AsyncQueue<Integer> full = new AsyncQueue<>(1);
    full.putNowait(0);
    runInForeground(
        () -> {
          List<Task<Void>> waiters = new ArrayList<>();
          for (String name : List.of("g1", "g2")) {
            waiters.add(scheduleCoroutine(waitFor(name, empty.get())));
          }
          for (String name : List.of("p1", "p2")) {
            waiters.add(scheduleCoroutine(waitFor(name, full.put(1))));
          }
          await(sleep(ZERO));
          // both queues' waiters are woken by their queue's shutdown, in the order of the calls
          full.shutdown();
          empty.shutdown();
          return await(gather(waiters));
        });
    assertThat(events).containsExactly("p1 shut down", "p2 shut down", "g1 shut down", "g2 shut down");
    assertThat(full.size()).as("a plain shutdown keeps the items").isEqualTo(1);
    assertThat(full.getNowait()).isZero();
  }

  private Coroutine<Void> waitFor(String name, Coroutine<?> call) {
    return () -> {
      try {
        await(call);
        log(name + " returned");
      } catch (QueueShutDownException e) {
        log(name + " shut down");
      }
      return null;
    };
  }

  @Test
  void anImmediateShutdownWakesTheJoinersWhenItDropsTheLastItemNotDone() throws Exception {
    AsyncQueue<Integer> q = AsyncQueue.lifo(0);
    q.putNowait(1);
    q.putNowait(2);
    runInForeground(
        () -> {
          Task<Void> j1 = scheduleCoroutine(() -> logged("j1", q.join()));
          Task<Void> j2 = scheduleCoroutine(() -> logged("j2", q.join()));
          await(sleep(ZERO));
          q.shutdown(true);
          log("shut down");
          return await(gather(List.of(j1, j2)));
        });
    assertThat(events).containsExactly("shut down", "j1 joined", "j2 joined");
  }

  private Void logged(String name, Coroutine<Void> join) throws Exception {
    await(join);
    log(name + " joined");
    return null;
  }

  @Test
  void theShutDownErrorsSayWhy() {
    AsyncQueue<Integer> q = new AsyncQueue<>();
    q.shutdown();
    q.shutdown(); // again: no harm
    assertThatThrownBy(() -> q.putNowait(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("put into an AsyncQueue that was shut down");
    assertThatThrownBy(q::getNowait)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("get from an AsyncQueue that was shut down and has no item left");
  }
}
