package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.shield;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code shield}: the cases of CPython 3.11's {@code test_tasks.py} for {@code asyncio.shield},
 * named as there, and what fgbg adds to them.
 *
 * <p>asyncio's tests drive plain futures that they complete by hand; here a task that follows a
 * {@link CompletableFuture} ({@code runInBackground}) plays that part, and {@link #runBriefly()}
 * plays {@code test_utils.run_briefly}.
 */
class ShieldTest extends LoopTestSupport {

  /** A task that completes when {@code source} does: asyncio's hand-driven future. */
  @SuppressWarnings("unchecked")
  private static <T> Task<T> following(CompletableFuture<T> source) {
    return (Task<T>) runInBackground(source);
  }

  /** A few single steps of the loop: every callback the last ones scheduled gets to run. */
  private static void runBriefly() throws Exception {
    for (int i = 0; i < 5; i++) {
      runInForeground(sleep(ZERO));
    }
  }

  @Test
  void shieldResult() throws Exception {
    CompletableFuture<Integer> source = new CompletableFuture<>();
    Task<Integer> inner = following(source);
    Coroutine<Integer> outer = shield(inner);
    source.complete(42);
    assertThat(runInForeground(outer)).isEqualTo(42);
  }

  @Test
  void shieldException() throws Exception {
    CompletableFuture<Integer> source = new CompletableFuture<>();
    Task<Integer> inner = following(source);
    Task<Integer> outer = scheduleCoroutine(shield(inner));
    runBriefly();
    RuntimeException exc = new RuntimeException("expected");
    source.completeExceptionally(exc);
    runBriefly();
    assertThat(outer.exception()).isSameAs(exc);
  }

  @Test
  void shieldCancelInner() throws Exception {
    Task<Integer> inner = following(new CompletableFuture<>());
    Task<Integer> outer = scheduleCoroutine(shield(inner));
    runBriefly();
    inner.cancel();
    runBriefly();
    assertThat(outer.isCancelled()).isTrue();
  }

  @Test
  void shieldCancelOuter() throws Exception {
    Task<Integer> inner = following(new CompletableFuture<>());
    Task<Integer> outer = scheduleCoroutine(shield(inner));
    runBriefly();
    assertThat(callbacksOf(inner)).as("the shield follows the inner task").hasSize(1);
    outer.cancel();
    runBriefly();
    assertThat(outer.isCancelled()).isTrue();
    assertThat(callbacksOf(inner)).as("a cancelled shield no longer follows the inner").isEmpty();
    assertThat(inner.isCancelled()).isFalse();
  }

  @Test
  void shieldShortcut() throws Exception {
    CompletableFuture<Integer> source = CompletableFuture.completedFuture(42);
    Task<Integer> fut = following(source);
    runBriefly();
    assertThat(fut.isDone()).isTrue();
    assertThat(runInForeground(shield(fut))).isEqualTo(42);
  }

  @Test
  void shieldEffect() throws Exception {
    int[] proof = {0};
    CompletableFuture<Void> waiter = new CompletableFuture<>();
    Coroutine<Void> inner =
        () -> {
          await(waiter);
          proof[0] += 1;
          return null;
        };
    Coroutine<Void> outer =
        () -> {
          await(shield(scheduleCoroutine(inner)));
          proof[0] += 100;
          return null;
        };
    Task<Void> f = scheduleCoroutine(outer);
    runBriefly();
    f.cancel();
    assertThatThrownBy(() -> runInForeground(f)).isInstanceOf(CancellationException.class);
    waiter.complete(null);
    runBriefly();
    assertThat(proof[0]).isEqualTo(1);
  }

  @Test
  void shieldGather() throws Exception {
    CompletableFuture<Integer> child1 = new CompletableFuture<>();
    CompletableFuture<Integer> child2 = new CompletableFuture<>();
    Task<List<Integer>> parent =
        scheduleCoroutine(gather(List.of(following(child1), following(child2))));
    Task<List<Integer>> outer = scheduleCoroutine(shield(parent));
    runBriefly();
    outer.cancel();
    runBriefly();
    assertThat(outer.isCancelled()).isTrue();
    child1.complete(1);
    child2.complete(2);
    runBriefly();
    assertThat(parent.result()).containsExactly(1, 2);
  }

  @Test
  void gatherShield() throws Exception {
    CompletableFuture<Integer> source1 = new CompletableFuture<>();
    CompletableFuture<Integer> source2 = new CompletableFuture<>();
    Task<Integer> child1 = following(source1);
    Task<Integer> child2 = following(source2);
    Task<Integer> inner1 = scheduleCoroutine(shield(child1));
    Task<Integer> inner2 = scheduleCoroutine(shield(child2));
    Task<List<Integer>> parent = scheduleCoroutine(gather(List.of(inner1, inner2)));
    runBriefly();
    parent.cancel();
    // This cancels inner1 and inner2 but not child1 and child2.
    runBriefly();
    assertThat(parent.exception()).isInstanceOf(CancellationException.class);
    assertThat(inner1.isCancelled()).isTrue();
    assertThat(inner2.isCancelled()).isTrue();
    source1.complete(1);
    source2.complete(2);
    runBriefly();
    assertThat(child1.result()).isEqualTo(1);
    assertThat(child2.result()).isEqualTo(2);
  }

  @Test
  void shieldCoroutineUseRunningLoop() throws Exception {
    Coroutine<Integer> outer = runInForeground(() -> shield(scheduleCoroutine(() -> 42)));
    assertThat(runInForeground(outer, loop)).isEqualTo(42);
  }

  @Test
  void shieldCoroutineUseGlobalLoop() throws Exception {
    EventLoop.setCurrent(loop);
    Coroutine<Integer> outer = shield(scheduleCoroutine(() -> 42));
    assertThat(runInForeground(outer, loop)).isEqualTo(42);
  }

  // ------------------------------------------------------------------ fgbg's own

  @Test
  void theCallerResumesTwoHopsAfterTheInnerTaskCompletes() throws Exception {
    Task<String> inner =
        scheduleCoroutine(
            () -> {
              log("inner-end");
              return "i";
            });
    Task<Void> ticker =
        scheduleCoroutine(
            () -> {
              for (int i = 0; i < 4; i++) {
                log("tick" + i);
                await(sleep(ZERO));
              }
              return null;
            });
    runInForeground(
        () -> {
          log("got-" + await(shield(inner)));
          return await(ticker);
        });
    assertThat(events).containsExactly("inner-end", "tick0", "tick1", "got-i", "tick2", "tick3");
  }

  @Test
  void aCancelledInnerTaskReachesTheCallerAsItsOwnCancellationException() throws Exception {
    Task<Integer> inner = following(new CompletableFuture<>());
    Task<Integer> outer = scheduleCoroutine(shield(inner));
    runBriefly();
    inner.cancel();
    runBriefly();
    assertThat(outer.exception()).isSameAs(inner.exception());
  }

  @Test
  void aFailureOfTheInnerTaskAfterItsCallerWasCancelledIsStillReportedAsNeverRetrieved()
      throws Exception {
    List<ExceptionContext> reports = new ArrayList<>();
    loop.setExceptionHandler((l, context) -> reports.add(context));
    loop.setJobNotices(false);
    CompletableFuture<Integer> source = new CompletableFuture<>();
    Task<Integer> inner = following(source);
    Task<Integer> outer = scheduleCoroutine(shield(inner));
    runBriefly();
    outer.cancel();
    runBriefly();
    IllegalStateException late = new IllegalStateException("late");
    source.completeExceptionally(late);
    runBriefly();
    loop.close();
    assertThat(reports).extracting(ExceptionContext::exception).containsExactly(late);
    assertThat(reports.get(0).message()).isEqualTo("Task exception was never retrieved");
  }

  @Test
  void shieldingATaskOfAnotherLoopIsRefused() throws Exception {
    try (EventLoop other = EventLoop.createVirtual()) {
      Task<Integer> foreign = Fgbg.scheduleCoroutine(() -> 1, other);
      assertThatThrownBy(() -> runInForeground(shield(foreign)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("cannot shield " + foreign.name() + ": it belongs to another event loop");
    }
  }

  @Test
  void shieldOutsideATaskSaysToUseRunInForeground() {
    Task<Integer> inner = scheduleCoroutine(() -> 1);
    assertThatThrownBy(() -> shield(inner).run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("shield() can only be used inside a task");
  }

  @Test
  void shieldOfNullIsRefusedNamingTheParameter() {
    assertThatThrownBy(() -> shield(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("task");
  }

  /** The done callbacks a future holds (asyncio's {@code _callbacks}), read for the test. */
  private static List<Object> callbacksOf(Task<?> task) throws ReflectiveOperationException {
    Field field = AbstractFuture.class.getDeclaredField("callbacks");
    field.setAccessible(true);
    Object callbacks = field.get(task);
    if (callbacks == null) {
      return List.of();
    }
    return callbacks instanceof List<?> list ? List.copyOf(list) : List.of(callbacks);
  }
}
