package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The cancel-message, {@code cancelling()} and {@code uncancel()} cases of CPython 3.11's {@code
 * test_tasks.py}, and the same contract for the other kinds of task.
 */
class TaskCancelMessageTest extends LoopTestSupport {

  /** The innermost cause of {@code e} and how deep it is (test_tasks' get_innermost_context). */
  private static Object[] innermost(Throwable e) {
    int depth = 0;
    while (e.getCause() != null) {
      e = e.getCause();
      depth++;
    }
    return new Object[] {e.getClass(), e.getMessage(), depth};
  }

  @Test
  void taskCancelMessageGetter() {
    Task<Void> t = scheduleCoroutine(() -> null);
    t.cancel("my message");
    assertThatThrownBy(() -> runInForeground(t))
        .isExactlyInstanceOf(CancellationException.class)
        .hasMessage("my message");
  }

  @Test
  void cancelling() throws Exception {
    Task<Void> t =
        scheduleCoroutine(
            () -> {
              await(sleep(ofSeconds(10)));
              return null;
            });
    assertThat(t.cancelling()).isZero();
    assertThat(t.toString()).doesNotContain("cancelling");
    assertThat(t.cancel()).isTrue();
    assertThat(t.cancelling()).isEqualTo(1);
    assertThat(t).hasToString("Task[Task-1, cancelling]");
    assertThat(t.cancel()).as("asyncio 3.11 counts a second request too").isTrue();
    assertThat(t.cancelling()).isEqualTo(2);
    assertThatThrownBy(() -> runInForeground(t)).isInstanceOf(CancellationException.class);
  }

  @Test
  void uncancelBasic() throws Exception {
    Task<Void> t =
        scheduleCoroutine(
            () -> {
              try {
                await(sleep(ofSeconds(10)));
              } catch (CancellationException e) {
                currentTask().uncancel();
                await(sleep(ofSeconds(10)));
              }
              return null;
            });
    runInForeground(sleep(ofMillis(10)));

    assertThat(t.cancel()).isTrue(); // cancel the first sleep
    assertThat(t).hasToString("Task[Task-1, cancelling]");
    assertThat(t.cancelling()).isEqualTo(1);
    assertThat(t.isCancelled()).isFalse();
    runInForeground(sleep(ofMillis(10)));

    assertThat(t.toString()).doesNotContain("cancelling"); // after uncancel()
    assertThat(t.cancelling()).isZero();
    assertThat(t.isCancelled()).isFalse();

    assertThat(t.cancel()).isTrue(); // cancel the second sleep
    assertThat(t.cancelling()).isEqualTo(1);
    assertThat(t.isCancelled()).isFalse();
    assertThatThrownBy(() -> runInForeground(t)).isInstanceOf(CancellationException.class);
    assertThat(t.isCancelled()).isTrue();
    assertThat(t.isDone()).isTrue();

    t.uncancel(); // no longer effective once the task is done
    assertThat(t.isCancelled()).isTrue();
    assertThat(t.isDone()).isTrue();
  }

  /** The result of make_request_with_timeout: timed_out, structured_block_finished, outer_code. */
  private record Outcome(boolean timedOut, boolean blockFinished, boolean outerCodeReached) {}

  /** test_uncancel_structured_blocks' make_request_with_timeout, with uncancel() by hand. */
  private Coroutine<Outcome> makeRequestWithTimeout(long sleepMillis, long timeoutMillis) {
    return () -> {
      Task<?> task = currentTask();
      boolean[] timedOut = {false};
      boolean blockFinished = false;
      Handle timeoutHandle =
          loop.callLater(
              ofMillis(timeoutMillis),
              () -> {
                timedOut[0] = true;
                task.cancel();
              });
      try {
        CancellationException cancelled = null;
        try {
          await(sleep(ofMillis(sleepMillis))); // the structured block affected by the timeout
          blockFinished = true;
        } catch (CancellationException e) {
          cancelled = e;
          throw e;
        } finally {
          timeoutHandle.cancel();
          if (timedOut[0] && task.uncancel() == 0 && cancelled != null) {
            throw new TimeoutException();
          }
        }
      } catch (TimeoutException e) {
        assertThat(timedOut[0]).isTrue();
      }
      boolean outerCodeReached = true; // outer code not affected by the timeout
      await(sleep(ZERO));
      return new Outcome(timedOut[0], blockFinished, outerCodeReached);
    };
  }

  @Test
  void uncancelStructuredBlocks() throws Exception {
    Task<Outcome> t1 = scheduleCoroutine(makeRequestWithTimeout(10_000, 100));
    assertThat(runInForeground(t1)).isEqualTo(new Outcome(true, false, true));
    assertThat(t1.cancelling()).as("no pending cancellation of the outer task").isZero();

    Task<Outcome> t2 = scheduleCoroutine(makeRequestWithTimeout(0, 10_000));
    assertThat(runInForeground(t2)).isEqualTo(new Outcome(false, true, true));
    assertThat(t2.cancelling()).isZero();
  }

  /** test_cancel_with_message_then_future_result's coro(): cancel, wait, then result(). */
  private Throwable cancelThenResult(String message, boolean readException) {
    Task<Void> outer =
        scheduleCoroutine(
            () -> {
              Task<Void> task = scheduleCoroutine(sleep(ofSeconds(10)));
              await(sleep(ZERO));
              task.cancel(message);
              await(waitTasks(List.of(task)));
              if (readException) {
                throw (Exception) task.exception(); // fgbg returns it where asyncio raises it
              }
              task.result();
              return null;
            });
    try {
      runInForeground(outer);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("no CancellationException");
  }

  @Test
  void cancelWithMessageThenFutureResult() {
    Throwable none = cancelThenResult(null, false);
    assertThat(none).isExactlyInstanceOf(CancellationException.class);
    assertThat(none).hasMessage("sleep of Task-2 was cancelled"); // fgbg's default, unchanged
    assertThat(innermost(none))
        .containsExactly(CancellationException.class, "sleep of Task-2 was cancelled", 0);

    Throwable mine = cancelThenResult("my message", false);
    assertThat(mine).isExactlyInstanceOf(CancellationException.class).hasMessage("my message");
    assertThat(innermost(mine)).containsExactly(CancellationException.class, "my message", 0);
  }

  @Test
  void cancelWithMessageThenFutureException() {
    Throwable none = cancelThenResult(null, true);
    assertThat(none).isExactlyInstanceOf(CancellationException.class);
    assertThat(innermost(none))
        .containsExactly(CancellationException.class, "sleep of Task-2 was cancelled", 0);

    Throwable mine = cancelThenResult("my message", true);
    assertThat(mine).isExactlyInstanceOf(CancellationException.class).hasMessage("my message");
    assertThat(innermost(mine)).containsExactly(CancellationException.class, "my message", 0);
  }

  @Test
  void cancellationExceptionContext() {
    CompletableFuture<Void> fut = new CompletableFuture<>();
    Task<Void> task =
        scheduleCoroutine(
            () -> {
              Task<Void> innerTask =
                  scheduleCoroutine(
                      () -> {
                        fut.complete(null);
                        await(sleep(ofSeconds(10)));
                        return null;
                      });
              await(fut);
              loop.callSoon(() -> innerTask.cancel("msg"));
              try {
                await(innerTask);
              } catch (CancellationException ex) {
                throw new IllegalStateException("cancelled", ex);
              }
              return null;
            });
    assertThatThrownBy(() -> runInForeground(task))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("cancelled")
        .satisfies(
            e -> assertThat(innermost(e)).containsExactly(CancellationException.class, "msg", 1));
  }

  @Test
  void cancelWithMessageBeforeStartingTask() {
    Task<Void> task =
        scheduleCoroutine(
            () -> {
              Task<Void> victim = scheduleCoroutine(sleep(ofSeconds(10)));
              victim.cancel("my message"); // deliberately no sleep first
              await(waitTasks(List.of(victim)));
              throw (Exception) victim.exception();
            });
    assertThatThrownBy(() -> runInForeground(task))
        .isExactlyInstanceOf(CancellationException.class)
        .hasMessage("my message")
        .satisfies(
            e ->
                assertThat(innermost(e))
                    .containsExactly(CancellationException.class, "my message", 0));
  }

  @Test
  void cancelGather2WithoutMessage() {
    Task<Void> main =
        scheduleCoroutine(
            () -> {
              Task<Void> qwe =
                  scheduleCoroutine(
                      () -> {
                        for (long time = 0; time <= 1000; time += 50) {
                          await(gather(List.of(scheduleCoroutine(sleep(ofMillis(50))))));
                        }
                        return null;
                      });
              await(sleep(ofMillis(200)));
              qwe.cancel();
              await(qwe);
              return null;
            });
    assertThatThrownBy(() -> runInForeground(main))
        .isExactlyInstanceOf(CancellationException.class)
        // main's 200 ms timer was set before the gathered sleep's, which ties with it: main
        // cancels while the gathered task still sleeps (as on the real clock, where the sleep's
        // timer lands a little later), so the message is its sleep's default one
        .hasMessage("sleep of Task-6 was cancelled")
        .satisfies(e -> assertThat(innermost(e)[2]).isEqualTo(0));
  }

  // ---- beyond test_tasks: the other kinds of task, and the other ways in

  @Test
  void aMessageReachesTheTaskAtItsAwaitAndIsItsException() throws Exception {
    Task<Void> t =
        scheduleCoroutine(
            () -> {
              try {
                await(sleep(ofSeconds(10)));
              } catch (CancellationException e) {
                log("inside: " + e.getMessage());
                throw e;
              }
              return null;
            });
    runInForeground(sleep(ZERO));
    assertThat(t.cancel("stop now")).isTrue();
    assertThatThrownBy(() -> runInForeground(t)).hasMessage("stop now");
    assertThat(t.exception()).hasMessage("stop now");
    assertThatThrownBy(t::result).hasMessage("stop now");
    assertThat(events).containsExactly("inside: stop now");
  }

  @Test
  void aMessageGoesThroughTheTaskItAwaits() throws Exception {
    Task<Void> inner = scheduleCoroutine(sleep(ofSeconds(10)));
    Task<Void> outer =
        scheduleCoroutine(
            () -> {
              await(inner);
              return null;
            });
    runInForeground(sleep(ZERO));
    outer.cancel("from outside");
    assertThatThrownBy(() -> runInForeground(outer)).hasMessage("from outside");
    assertThat(inner.exception()).hasMessage("from outside");
    assertThat(inner.cancelling()).as("the awaited task got the request too").isEqualTo(1);
    assertThat(outer.cancelling()).isEqualTo(1);
  }

  @Test
  void aMessageOfARequestDuringAStepIsThrownAtTheNextAwait() throws Exception {
    Task<Void> t =
        scheduleCoroutine(
            () -> {
              currentTask().cancel("self");
              try {
                await(sleep(ofSeconds(1)));
              } catch (CancellationException e) {
                log(e.getMessage() + " at " + loop.time());
                throw e;
              }
              return null;
            });
    assertThatThrownBy(() -> runInForeground(t)).hasMessage("self");
    assertThat(events).containsExactly("self at PT0S");
  }

  @Test
  void aMessageOfARequestDuringTheLastStepIsTheTasksException() {
    Task<String> t =
        scheduleCoroutine(
            () -> {
              currentTask().cancel("at the end");
              return "value";
            });
    assertThatThrownBy(() -> runInForeground(t)).hasMessage("at the end");
    assertThat(t.isCancelled()).isTrue();
  }

  @Test
  void withoutAMessageTheDefaultMessagesStay() throws Exception {
    Task<Void> early = scheduleCoroutine(() -> null);
    early.cancel(null);
    Task<Void> last =
        scheduleCoroutine(
            () -> {
              currentTask().cancel();
              return null;
            });
    runInForeground(sleep(ZERO));
    assertThat(early.exception()).hasMessage("Task-1 was cancelled before it started");
    assertThat(last.exception()).hasMessage("Task-2 was cancelled");
  }

  @Test
  void aBackgroundCallTakesTheMessage() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Task<Void> call =
        callInBackground(
            () -> {
              never.await();
              return null;
            });
    assertThat(call.cancel("enough")).isTrue();
    assertThat(call.isCancelled()).isTrue();
    assertThat(call.exception()).hasMessage("enough");
    assertThat(call.cancelling()).isEqualTo(1);
    assertThat(call.uncancel()).isZero();
    assertThat(call.cancel("again")).isFalse();
    assertThat(call.cancelling()).as("a done task counts no request").isZero();
  }

  @Test
  void aTaskFollowingAStageTakesTheMessage() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Task<?> follower = runInBackground(stage);
    assertThat(follower.cancel("not needed")).isTrue();
    assertThat(follower.exception()).hasMessage("not needed");
    assertThat(follower.cancelling()).isEqualTo(1);
    assertThat(stage.isCancelled()).isTrue();
  }

  @Test
  void aMessageFromAnotherThreadIsAppliedAsFromTheLoop() throws Exception {
    Task<Void> t =
        scheduleCoroutine(
            () -> {
              await(sleep(ofSeconds(10)));
              return null;
            });
    Thread other = Thread.ofVirtual().start(() -> t.cancel("from elsewhere"));
    other.join();
    assertThatThrownBy(() -> runInForeground(t)).hasMessage("from elsewhere");
    assertThat(t.cancelling()).isEqualTo(1);
  }

  @Test
  void uncancelNeverGoesBelowZero() {
    Task<Void> t = scheduleCoroutine(() -> null);
    assertThat(t.uncancel()).isZero();
    assertThat(t.cancelling()).isZero();
  }

  /** asyncio's _GatheringFuture.cancel(msg): each child gets the message, and so does the caller. */
  @Test
  void aCancelMessageReachesTheChildrenOfAGatherAndTheTaskAwaitingIt() throws Exception {
    Task<Object> a = scheduleCoroutine(() -> {
      await(sleep(ofSeconds(10)));
      return null;
    });
    Task<Object> b = scheduleCoroutine(() -> {
      await(sleep(ofSeconds(10)));
      return null;
    });
    Task<String> waiter = scheduleCoroutine(() -> {
      try {
        await(gather(java.util.List.of(a, b)));
        return "not cancelled";
      } catch (java.util.concurrent.CancellationException e) {
        return "caught: " + e.getMessage();
      }
    });
    runInForeground(sleep(ZERO));
    assertThat(waiter.cancel("stop now")).isTrue();
    assertThat(runInForeground(waiter)).isEqualTo("caught: stop now");
    assertThat(a.exception()).hasMessage("stop now");
    assertThat(b.exception()).hasMessage("stop now");
  }
}
