package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code asCompleted}: the cases of CPython 3.11's {@code test_tasks.py} for {@code
 * asyncio.as_completed}, named as there, and what fgbg adds to them.
 *
 * <p>asyncio's tests drive a test loop whose clock a generator moves; here the loop's virtual clock
 * jumps to each timer, so the times asserted are exact. Calls are written {@code
 * Fgbg.asCompleted}: the test named after asyncio's first case hides the static import.
 */
class AsCompletedTest extends LoopTestSupport {

  private static <T> List<Coroutine<T>> listOf(Iterable<Coroutine<T>> coroutines) {
    List<Coroutine<T>> list = new ArrayList<>();
    coroutines.forEach(list::add);
    return list;
  }

  @Test
  void asCompleted() throws Exception {
    Set<String> completed = new HashSet<>();
    Coroutine<List<String>> foo =
        () -> {
          List<Task<String>> tasks = new ArrayList<>();
          for (Object[] spec : new Object[][] {{10, "b"}, {150, "c"}, {10, "a"}}) {
            String x = (String) spec[1];
            Duration dt = ofMillis((Integer) spec[0]);
            tasks.add(
                scheduleCoroutine(
                    () -> {
                      await(sleep(dt));
                      completed.add(x);
                      return x;
                    }));
          }
          List<String> values = new ArrayList<>();
          for (Coroutine<String> f : Fgbg.asCompleted(tasks, null)) {
            values.add(await(f));
          }
          return values;
        };
    List<String> res = runInForeground(foo);
    assertThat(loop.time()).isEqualTo(ofMillis(150));
    assertThat(res.subList(0, 2)).containsExactlyInAnyOrder("a", "b");
    assertThat(res.get(2)).isEqualTo("c");
  }

  @Test
  void asCompletedWithTimeout() throws Exception {
    Task<String> a = scheduleCoroutine(sleep(ofMillis(100), "a"));
    Task<String> b = scheduleCoroutine(sleep(ofMillis(150), "b"));
    Coroutine<List<Object>> foo =
        () -> {
          List<Object> values = new ArrayList<>();
          for (Coroutine<String> f : Fgbg.asCompleted(List.of(a, b), ofMillis(120))) {
            try {
              values.add(List.of(1, await(f)));
            } catch (TimeoutException exc) {
              values.add(List.of(2, exc));
            }
          }
          return values;
        };
    List<Object> res = runInForeground(foo);
    assertThat(res).hasSize(2);
    assertThat(res.get(0)).isEqualTo(List.of(1, "a"));
    assertThat((List<?>) res.get(1)).first().isEqualTo(2);
    assertThat(((List<?>) res.get(1)).get(1)).isInstanceOf(TimeoutException.class);
    assertThat(loop.time()).isEqualTo(ofMillis(120));

    // move forward to finish the other task
    runInForeground(waitTasks(List.of(a, b)));
    assertThat(b.result()).as("a timeout cancels nothing").isEqualTo("b");
  }

  @Test
  void asCompletedWithUnusedTimeout() throws Exception {
    Task<String> a = scheduleCoroutine(sleep(ofMillis(10), "a"));
    Coroutine<Void> foo =
        () -> {
          for (Coroutine<String> f : Fgbg.asCompleted(List.of(a), ofSeconds(1))) {
            String v = await(f);
            assertThat(v).isEqualTo("a");
          }
          return null;
        };
    runInForeground(foo);
    assertThat(loop.time()).isEqualTo(ofMillis(10));
  }

  @Test
  void asCompletedReverseWait() throws Exception {
    Coroutine<Void> test =
        () -> {
          Task<String> a = scheduleCoroutine(sleep(ofMillis(50), "a"));
          Task<String> b = scheduleCoroutine(sleep(ofMillis(100), "b"));
          List<Coroutine<String>> futs = listOf(Fgbg.asCompleted(Set.of(a, b), null));
          assertThat(futs).hasSize(2);

          String x = await(futs.get(1));
          assertThat(x).isEqualTo("a");
          assertThat(loop.time()).isEqualTo(ofMillis(50));
          String y = await(futs.get(0));
          assertThat(y).isEqualTo("b");
          assertThat(loop.time()).isEqualTo(ofMillis(100));
          return null;
        };
    runInForeground(test);
  }

  @Test
  void asCompletedConcurrent() throws Exception {
    Coroutine<Void> test =
        () -> {
          Task<String> a = scheduleCoroutine(sleep(ofMillis(50), "a"));
          Task<String> b = scheduleCoroutine(sleep(ofMillis(50), "b"));
          List<Coroutine<String>> futs = listOf(Fgbg.asCompleted(Set.of(a, b), null));
          assertThat(futs).hasSize(2);
          List<Task<String>> waiting = new ArrayList<>();
          for (Coroutine<String> fut : futs) {
            waiting.add(scheduleCoroutine(fut));
          }
          WaitResult r = await(waitTasks(waiting));
          Set<Object> results = new HashSet<>();
          for (Task<?> f : r.done()) {
            results.add(f.result());
          }
          assertThat(results).containsExactlyInAnyOrder("a", "b");
          return null;
        };
    runInForeground(test);
    assertThat(loop.time()).isEqualTo(ofMillis(50));
  }

  @Test
  void asCompletedDuplicateCoroutines() throws Exception {
    Coroutine<List<String>> runner =
        () -> {
          List<String> result = new ArrayList<>();
          Task<String> c = scheduleCoroutine(() -> "ham");
          for (Coroutine<String> f :
              Fgbg.asCompleted(List.of(c, c, scheduleCoroutine(() -> "spam")), null)) {
            result.add(await(f));
          }
          return result;
        };
    Task<List<String>> fut = scheduleCoroutine(runner);
    runInForeground(fut);
    List<String> result = fut.result();
    assertThat(new HashSet<>(result)).containsExactlyInAnyOrder("ham", "spam");
    assertThat(result).hasSize(2);
  }

  @Test
  void asCompletedCoroutineUseRunningLoop() throws Exception {
    Coroutine<Void> test =
        () -> {
          List<Coroutine<Integer>> futs =
              listOf(Fgbg.asCompleted(List.of(scheduleCoroutine(() -> 42)), null));
          assertThat(futs).hasSize(1);
          assertThat(await(futs.get(0))).isEqualTo(42);
          return null;
        };
    runInForeground(test);
  }

  @Test
  void asCompletedInvalidArgs() {
    // asyncio's TypeError for a single future or coroutine is a compile error here; what is
    // left to check at run time is null
    assertThatThrownBy(() -> Fgbg.asCompleted(null, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tasks");
    Task<Integer> t = scheduleCoroutine(() -> 1);
    assertThatThrownBy(() -> Fgbg.asCompleted(Arrays.asList(t, null), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tasks contains null");
  }

  // ------------------------------------------------------------------ fgbg's own

  @Test
  void anEmptyCollectionGivesAnEmptyIterable() {
    assertThat(Fgbg.<String>asCompleted(List.of(), ofSeconds(1))).isEmpty();
  }

  @Test
  void failuresComeAsTheTasksOwnExceptionsInCompletionOrder() throws Exception {
    IOException boom = new IOException("boom");
    Task<String> slow = scheduleCoroutine(sleep(ofSeconds(2), "slow"));
    Task<String> bad =
        scheduleCoroutine(
            () -> {
              await(sleep(ofSeconds(1)));
              throw boom;
            });
    runInForeground(
        () -> {
          for (Coroutine<String> f : Fgbg.asCompleted(List.of(slow, bad), null)) {
            try {
              log("got-" + await(f) + "-at-" + loop.time().toSeconds());
            } catch (IOException e) {
              String whose = e == boom ? "own-" : "other-";
              log(whose + e.getMessage() + "-at-" + loop.time().toSeconds());
            }
          }
          return null;
        });
    assertThat(events).containsExactly("own-boom-at-1", "got-slow-at-2");
  }

  @Test
  void theTimeoutSaysWhenAndHowManyTasksWereNotDone() throws Exception {
    Task<String> fast = scheduleCoroutine(sleep(ofMillis(10), "fast"));
    Task<String> slow1 = scheduleCoroutine(sleep(ofSeconds(5), "slow1"));
    Task<String> slow2 = scheduleCoroutine(sleep(ofSeconds(5), "slow2"));
    List<Coroutine<String>> next =
        listOf(Fgbg.asCompleted(List.of(fast, slow1, slow2), ofMillis(250)));
    assertThat(runInForeground(next.get(0))).isEqualTo("fast");
    for (Coroutine<String> f : next.subList(1, 3)) {
      assertThatThrownBy(() -> runInForeground(f))
          .isInstanceOf(TimeoutException.class)
          .hasMessage("asCompleted timed out after 250 ms with 2 of 3 tasks not done");
    }
    assertThat(loop.time()).isEqualTo(ofMillis(250));
    assertThat(slow1.isDone()).as("nothing is cancelled").isFalse();
  }

  @Test
  void tasksAlreadyDoneComeInTheOrderGiven() throws Exception {
    Task<String> a = scheduleCoroutine(() -> "a");
    Task<String> b = scheduleCoroutine(() -> "b");
    Task<String> c = scheduleCoroutine(() -> "c");
    runInForeground(sleep(Duration.ZERO));
    List<String> got =
        runInForeground(
            () -> {
              List<String> values = new ArrayList<>();
              for (Coroutine<String> f : Fgbg.asCompleted(List.of(c, a, b), null)) {
                values.add(await(f));
              }
              return values;
            });
    assertThat(got).containsExactly("c", "a", "b");
  }

  @Test
  void eachCoroutineMayBeAwaitedOnce() throws Exception {
    Task<String> a = scheduleCoroutine(() -> "a");
    Coroutine<String> only = listOf(Fgbg.asCompleted(List.of(a), null)).get(0);
    assertThat(runInForeground(only)).isEqualTo("a");
    assertThatThrownBy(() -> runInForeground(only))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "this coroutine of asCompleted was already awaited: each gives one completion");
  }

  @Test
  void awaitingOutsideATaskSaysToUseRunInForeground() throws Exception {
    Coroutine<Integer> next =
        listOf(Fgbg.asCompleted(List.of(scheduleCoroutine(() -> 1)), null)).get(0);
    assertThatThrownBy(next::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("asCompleted() can only be used inside a task");
  }

  @Test
  void tasksOfTwoLoopsAreRefused() {
    try (EventLoop other = EventLoop.createVirtual()) {
      Task<Integer> mine = scheduleCoroutine(() -> 1);
      Task<Integer> theirs = Fgbg.scheduleCoroutine(() -> 2, other);
      assertThatThrownBy(() -> Fgbg.asCompleted(List.of(mine, theirs), null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "asCompleted() needs tasks of one event loop: "
                  + theirs.name()
                  + " belongs to another one than "
                  + mine.name());
    }
  }
}
