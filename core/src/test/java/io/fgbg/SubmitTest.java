package io.fgbg;

import static io.fgbg.Fgbg.allTasks;
import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code EventLoop.submit}: the cases of CPython 3.11's {@code RunCoroutineThreadsafeTests}
 * ({@code test_tasks.py}), named as there, and what fgbg adds to them: submitting from the loop's
 * own thread, from the prompt, cancelling before the task is made, a closed loop.
 *
 * <p>As in asyncio's tests, {@code target} runs on another thread (a background call of the loop),
 * submits {@code add} and blocks for its result while the test's thread runs the loop.
 */
@Timeout(60)
class SubmitTest extends LoopTestSupport {
  private final RuntimeException fail = new RuntimeException("Fail!");

  /** Waits 50 ms and returns a + b (asyncio's {@code add}). */
  private Coroutine<Integer> add(int a, int b, boolean fail, boolean cancel) {
    return () -> {
      await(sleep(ofMillis(50)));
      if (fail) {
        throw this.fail;
      }
      if (cancel) {
        currentTask().cancel();
        await(sleep(ZERO));
      }
      return a + b;
    };
  }

  /** Submits add(1, 2) from this (other) thread and blocks for its result. */
  private int target(boolean fail, boolean cancel, Duration timeout) throws Exception {
    CompletableFuture<Integer> future = loop.submit(add(1, 2, fail, cancel));
    try {
      return timeout == null ? future.get() : future.get(timeout.toNanos(), NANOSECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause(); // asyncio's future.result() raises the exception itself
    } finally {
      if (!future.isDone()) {
        future.cancel(true);
      }
    }
  }

  @Test
  void runCoroutineThreadsafe() throws Exception {
    Task<Integer> future = callInBackground(() -> target(false, false, null));
    assertThat(runInForeground(future)).isEqualTo(3);
  }

  @Test
  void runCoroutineThreadsafeWithException() {
    Task<Integer> future = callInBackground(() -> target(true, false, null));
    assertThatThrownBy(() -> runInForeground(future)).isSameAs(fail).hasMessage("Fail!");
  }

  @Test
  void runCoroutineThreadsafeWithTimeout() throws Exception {
    Task<Integer> future = callInBackground(() -> target(false, false, ZERO));
    assertThatThrownBy(() -> runInForeground(future)).isInstanceOf(TimeoutException.class);
    runInForeground(sleep(ZERO));
    // no task is pending: add has been cancelled
    assertThat(allTasks(loop)).isEmpty();
  }

  @Test
  void runCoroutineThreadsafeTaskCancelled() {
    Task<Integer> future = callInBackground(() -> target(false, true, null));
    assertThatThrownBy(() -> runInForeground(future)).isInstanceOf(CancellationException.class);
  }

  // ------------------------------------------------------------------ fgbg's own

  @Test
  void fromTheLoopsOwnThreadTheTaskIsMadeAtOnceAndRunsInOrderWithScheduledOnes()
      throws Exception {
    List<String> order = new ArrayList<>();
    int got =
        runInForeground(
            () -> {
              CompletableFuture<Integer> f =
                  loop.submit(
                      () -> {
                        order.add("submitted");
                        return 7;
                      });
              scheduleCoroutine(
                  () -> {
                    order.add("scheduled");
                    return null;
                  });
              assertThat(allTasks(loop)).hasSize(3);
              return await(f);
            });
    assertThat(got).isEqualTo(7);
    assertThat(order).containsExactly("submitted", "scheduled");
  }

  @Test
  void atThePromptTheTaskIsMadeAtOnceAndRunsAtTheNextForegroundRun() throws Exception {
    List<String> order = new ArrayList<>();
    CompletableFuture<String> f =
        loop.submit(
            () -> {
              order.add("ran");
              return "done";
            });
    assertThat(allTasks(loop)).hasSize(1);
    assertThat(order).isEmpty();
    assertThat(f).isNotDone();
    runInForeground(sleep(ZERO));
    assertThat(order).containsExactly("ran");
    assertThat(f).as("completed by the task's done callback, one hop later").isNotDone();
    runInForeground(sleep(ZERO));
    assertThat(f).isCompletedWithValue("done");
  }

  @Test
  void cancellingTheFutureBeforeTheTaskRunsMeansItNeverRuns() throws Exception {
    List<String> order = new ArrayList<>();
    CompletableFuture<String> f =
        loop.submit(
            () -> {
              order.add("ran");
              return "done";
            });
    Task<?> task = allTasks(loop).iterator().next();
    assertThat(f.cancel(true)).isTrue();
    runInForeground(sleep(ZERO));
    assertThat(task.isCancelled()).isTrue();
    assertThat(order).isEmpty();
    assertThat(f).isCancelled();
  }

  @Test
  void cancellingTheFutureCancelsASuspendedTask() throws Exception {
    List<String> order = new ArrayList<>();
    CompletableFuture<String> f =
        loop.submit(
            () -> {
              try {
                await(sleep(ofSeconds(10)));
                return "slept";
              } catch (CancellationException e) {
                order.add("cancelled");
                throw e;
              }
            });
    Task<?> task = allTasks(loop).iterator().next();
    runInForeground(sleep(ofSeconds(1)));
    f.cancel(false);
    runInForeground(sleep(ZERO));
    assertThat(order).containsExactly("cancelled");
    assertThat(task.isCancelled()).isTrue();
    assertThat(loop.time()).isEqualTo(ofSeconds(1));
  }

  @Test
  void aTaskCancelledOnTheLoopCancelsTheFutureWithItsOwnException() throws Exception {
    CompletableFuture<String> f = loop.submit(() -> await(sleep(ofSeconds(10), "late")));
    Task<?> task = allTasks(loop).iterator().next();
    runInForeground(sleep(ZERO));
    task.cancel();
    runInForeground(sleep(ZERO));
    runInForeground(sleep(ZERO));
    assertThat(f).isCancelled();
    assertThat(f.handle((value, failure) -> failure).join()).isSameAs(task.exception());
  }

  @Test
  void theFutureTakesTheTasksFailureSoItIsNotReportedAsNeverRetrieved() throws Exception {
    List<ExceptionContext> reports = new ArrayList<>();
    loop.setExceptionHandler((l, context) -> reports.add(context));
    loop.setJobNotices(false);
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<Object> f =
        loop.submit(
            () -> {
              throw boom;
            });
    runInForeground(sleep(ZERO));
    loop.close();
    assertThat(reports).isEmpty();
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::get).hasCause(boom);
  }

  @Test
  void fromAnotherThreadWhileTheLoopRunsTheTaskComesThroughTheInbox() throws Exception {
    CompletableFuture<CompletableFuture<Integer>> submitted = new CompletableFuture<>();
    Thread other =
        Thread.ofPlatform()
            .start(() -> submitted.complete(loop.submit(() -> await(sleep(ofMillis(5), 5)))));
    int got = runInForeground(() -> await(await(submitted)));
    other.join();
    assertThat(got).isEqualTo(5);
  }

  @Test
  void submitToAClosedLoopIsRefused() {
    loop.close();
    assertThatThrownBy(() -> loop.submit(() -> 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the event loop is closed");
  }

  @Test
  void submitOfNullIsRefusedNamingTheParameter() {
    assertThatThrownBy(() -> loop.submit(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("coroutine");
  }
}
