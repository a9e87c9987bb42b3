package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Failures come back as the same object, and misuse gets a clear error, never a hang. */
class ErrorsTest extends LoopTestSupport {

  @Test
  void theTasksOwnExceptionObjectComesBackFromResultAwaitAndRunInForeground() throws Exception {
    IOException boom = new IOException("boom");
    Task<Void> failing =
        scheduleCoroutine(
            () -> {
              throw boom;
            });
    assertThatThrownBy(() -> runInForeground(failing)).isSameAs(boom);
    assertThatThrownBy(failing::result).isSameAs(boom);
    assertThat(failing.exception()).isSameAs(boom);
    assertThat(failing.isCancelled()).isFalse();
    Object seen = runInForeground(() -> {
      try {
        return await(failing);
      } catch (IOException e) {
        return e;
      }
    });
    assertThat(seen).isSameAs(boom);
    assertThat(failing.toCompletableFuture()).isCompletedExceptionally();
  }

  @Test
  void aBackgroundCallsExceptionComesBackAsTheSameObject() throws Exception {
    IllegalArgumentException bad = new IllegalArgumentException("bad input");
    Task<Void> call =
        callInBackground(
            () -> {
              throw bad;
            });
    assertThatThrownBy(() -> runInForeground(call)).isSameAs(bad);
  }

  @Test
  void errorsThrownByABodyAreDeliveredToo() throws Exception {
    AssertionError error = new AssertionError("inside a coroutine");
    Task<Void> task =
        scheduleCoroutine(
            () -> {
              throw error;
            });
    assertThatThrownBy(() -> runInForeground(task)).isSameAs(error);
  }

  @Test
  void resultAndExceptionOfAPendingTaskAreIllegalState() {
    Task<Void> pending = scheduleCoroutine(() -> null);
    assertThatThrownBy(pending::result)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(pending.name() + " is not done yet");
    assertThatThrownBy(pending::exception).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void awaitOutsideATaskSaysToUseRunInForeground() {
    Task<Void> task = scheduleCoroutine(() -> null);
    assertThatThrownBy(() -> await(task))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runInForeground");
    assertThatThrownBy(() -> await(sleep(ZERO)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runInForeground");
    assertThatThrownBy(() -> await(new CompletableFuture<String>()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runInForeground");
  }

  @Test
  void awaitInACallbackIsOutsideATaskToo() throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    loop.callSoon(
        () -> {
          try {
            await(sleep(ZERO));
          } catch (Exception e) {
            failure.set(e);
          }
        });
    runInForeground(sleep(ZERO));
    assertThat(failure.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runInForeground");
  }

  @Test
  void runInForegroundInsideATaskSaysToUseAwait() throws Exception {
    Task<Void> other = scheduleCoroutine(() -> null);
    Throwable thrown =
        runInForeground(
            () -> {
              try {
                runInForeground(other);
                return null;
              } catch (IllegalStateException e) {
                return e;
              }
            });
    assertThat(thrown)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already running")
        .hasMessageContaining("await");
    Throwable nested =
        runInForeground(
            () -> {
              try {
                runInForeground(sleep(ZERO));
                return null;
              } catch (IllegalStateException e) {
                return e;
              }
            });
    assertThat(nested).isInstanceOf(IllegalStateException.class).hasMessageContaining("await");
  }

  @Test
  void aLoopRunningInAnotherThreadRefusesThisThread() throws Exception {
    EventLoop other = EventLoop.create();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Task<Void> blocker =
        scheduleCoroutine(
            () -> {
              running.countDown();
              await(callInBackground(() -> release.await(10, TimeUnit.SECONDS)));
              return null;
            },
            other);
    Thread runner =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    runInForeground(blocker, other);
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                });
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(other.isRunning()).isTrue();
    assertThatThrownBy(() -> runInForeground(blocker))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another thread");
    assertThatThrownBy(() -> runInForeground(sleep(ZERO), other))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another thread");
    assertThatThrownBy(() -> scheduleCoroutine(() -> null, other))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another thread");
    assertThatThrownBy(() -> other.callSoon(() -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("callSoonThreadsafe");
    assertThatThrownBy(() -> Fgbg.allTasks(other))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(other::close).isInstanceOf(IllegalStateException.class);
    release.countDown();
    runner.join(10_000);
    assertThat(blocker.isDone()).isTrue();
    other.close();
  }

  @Test
  void aClosedLoopRefusesWork() throws Exception {
    EventLoop closed = EventLoop.create();
    Task<Void> leftOver = scheduleCoroutine(() -> null, closed);
    closed.close();
    assertThat(closed.isClosed()).isTrue();
    assertThat(leftOver.isDone()).isTrue();
    closed.close(); // again: nothing
    assertThatThrownBy(() -> runInForeground(sleep(ZERO), closed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> scheduleCoroutine(() -> null, closed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> closed.callSoon(() -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> closed.callSoonThreadsafe(() -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> callInBackground(() -> 1, closed, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void theThreadsClosedLoopIsReplacedByANewOne() {
    EventLoop first = EventLoop.current();
    first.close();
    EventLoop second = EventLoop.current();
    assertThat(second).isNotSameAs(first);
    assertThat(second.isClosed()).isFalse();
    loop = second; // closed by the support class
  }

  @Test
  void aTaskOfAnotherLoopIsRefusedWhereALoopIsGiven() throws Exception {
    EventLoop other = EventLoop.create();
    try {
      Task<Void> foreign = scheduleCoroutine(() -> null, other);
      assertThatThrownBy(() -> runInForeground(foreign, loop))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("another event loop");
      assertThatThrownBy(() -> Fgbg.runInBackground(foreign, loop, null))
          .isInstanceOf(IllegalArgumentException.class);
      Object thrown =
          runInForeground(
              () -> {
                try {
                  return await(foreign);
                } catch (IllegalStateException e) {
                  return e;
                }
              });
      assertThat(thrown).isInstanceOf(IllegalStateException.class);
      assertThat(runInForeground(foreign)).as("its own loop runs it").isNull();
    } finally {
      other.close();
    }
  }

  @Test
  void aTaskCannotAwaitItself() throws Exception {
    Object thrown =
        runInForeground(
            () -> {
              try {
                return await(Fgbg.currentTask());
              } catch (IllegalStateException e) {
                return e.getMessage();
              }
            });
    assertThat(thrown).asString().contains("cannot await itself");
  }

  @Test
  void nullArgumentsAreRefusedNamingTheParameter() {
    Duration d = ofSeconds(1);
    assertNpe(() -> scheduleCoroutine(null), "target");
    assertNpe(() -> scheduleCoroutine(null, loop), "target");
    assertNpe(() -> callInBackground(null), "target");
    assertNpe(() -> Fgbg.runInBackground(null), "target");
    assertNpe(() -> runInForeground((Task<Object>) null), "task");
    assertNpe(() -> runInForeground((Coroutine<Object>) null), "target");
    assertNpe(() -> await((Task<Object>) null), "task");
    assertNpe(() -> await((Coroutine<Object>) null), "target");
    assertNpe(() -> await((CompletableFuture<Object>) null), "stage");
    assertNpe(() -> sleep(null), "delay");
    assertNpe(() -> Fgbg.waitTasks(null), "tasks");
    assertNpe(() -> Fgbg.waitTasks(List.of(scheduleCoroutine(() -> 1)), d, null), "when");
    assertNpe(() -> Fgbg.waitFor((Task<Object>) null, d), "task");
    assertNpe(() -> Fgbg.waitFor((Coroutine<Object>) null, d), "target");
    assertNpe(() -> Fgbg.gather(null), "tasks");
    assertNpe(() -> loop.callSoon(null), "callback");
    assertNpe(() -> loop.callLater(null, () -> {}), "delay");
    assertNpe(() -> loop.callLater(d, null), "callback");
    assertNpe(() -> loop.callSoonThreadsafe(null), "callback");
    assertNpe(() -> scheduleCoroutine(() -> 1).addDoneCallback(null), "callback");
  }

  private static void assertNpe(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String parameter) {
    assertThatThrownBy(call)
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining(parameter);
  }
}
