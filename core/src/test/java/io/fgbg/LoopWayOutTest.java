package io.fgbg;

import static io.fgbg.Fgbg.allTasks;
import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The way out of a step that holds the loop: the caller's first interrupt also interrupts the
 * holding step's thread (a Thread.sleep inside a coroutine ends with InterruptedException); a
 * second interrupt returns at once; while the step still holds the loop, every call that needs
 * the loop fails promptly with an IllegalStateException naming the task and where it is, never a
 * hang; once the step returns the loop is usable again. The caller is a platform thread of the
 * test's own, joined with timeouts; a spinning step is always released at the end.
 */
class LoopWayOutTest {
  private EventLoop loop;
  /** Keeps a step spinning, deaf to interrupts, until the test clears it. */
  private volatile boolean spin = true;

  @BeforeEach
  void aFreshLoop() {
    loop = EventLoop.create();
  }

  @AfterEach
  void releaseTheStepAndCloseTheLoop() throws InterruptedException {
    spin = false;
    awaitRunEnded(loop);
    loop.close();
  }

  /** Waits until {@code t} is parked or blocked with its interrupt status consumed. */
  private static void awaitParked(Thread t) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      Thread.State s = t.getState();
      if (!t.isInterrupted() && (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("thread did not park: " + t.getState());
  }

  /** Waits (bounded) until the loop's run has ended, on whatever thread it was ending. */
  private static void awaitRunEnded(EventLoop loop) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (loop.isRunning() && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(loop.isRunning()).as("the run ended once the step returned").isFalse();
  }

  private static Thread caller(Runnable body) {
    return Thread.ofPlatform().name("caller").start(body);
  }

  @Test
  void theFirstInterruptEndsABlockingCallInsideTheForegroundTaskWithInterruptedException()
      throws Exception {
    CountDownLatch inStep = new CountDownLatch(1);
    AtomicReference<Throwable> insideTheTask = new AtomicReference<>();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread caller =
        caller(
            () -> {
              try {
                outcome.set(
                    runInForeground(
                        () -> {
                          inStep.countDown();
                          try {
                            Thread.sleep(60_000); // a blocking call inside a coroutine
                          } catch (InterruptedException e) {
                            insideTheTask.set(e);
                            throw e;
                          }
                          return "slept a minute";
                        },
                        loop));
              } catch (Throwable e) {
                outcome.set(e);
              }
            });
    try {
      assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();
      awaitParked(caller);
      caller.interrupt(); // one Ctrl-C only
      caller.join(10_000);
      assertThat(caller.isAlive()).as("the caller returned well before the minute").isFalse();
      assertThat(insideTheTask.get()).isInstanceOf(InterruptedException.class);
      assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
      assertThat(runInForeground(sleep(ZERO, "again"), loop)).isEqualTo("again");
    } finally {
      caller.interrupt();
      caller.join(10_000);
    }
  }

  @Test
  void theFirstInterruptAlsoEndsABlockingCallInABackgroundTaskThatHoldsTheLoop()
      throws Exception {
    CountDownLatch inStep = new CountDownLatch(1);
    AtomicReference<Throwable> insideTheTask = new AtomicReference<>();
    Task<String> blocker =
        scheduleCoroutine(
            () -> {
              inStep.countDown();
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                insideTheTask.set(e);
                return "interrupted";
              }
              return "slept a minute";
            },
            loop);
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread caller =
        caller(
            () -> {
              try {
                outcome.set(runInForeground(sleep(ofSeconds(60), "slept"), loop));
              } catch (Throwable e) {
                outcome.set(e);
              }
            });
    try {
      assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();
      awaitParked(caller);
      caller.interrupt();
      caller.join(10_000);
      assertThat(caller.isAlive()).isFalse();
      assertThat(insideTheTask.get()).isInstanceOf(InterruptedException.class);
      assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
      assertThat(runInForeground(blocker, loop)).isEqualTo("interrupted");
    } finally {
      caller.interrupt();
      caller.join(10_000);
    }
  }

  @Test
  void afterASecondInterruptCallsThatNeedAHeldLoopFailPromptlyNamingTheTaskAndWhere()
      throws Exception {
    CountDownLatch inStep = new CountDownLatch(1);
    CountDownLatch callsMade = new CountDownLatch(1);
    AtomicReference<String> name = new AtomicReference<>();
    AtomicReference<Throwable> firstRun = new AtomicReference<>();
    AtomicReference<Long> leftAt = new AtomicReference<>();
    Map<String, Object> outcomes = new LinkedHashMap<>(); // written by the caller before callsMade
    Map<String, Long> tookNanos = new LinkedHashMap<>();
    Thread caller =
        caller(
            () -> {
              try {
                runInForeground(
                    () -> {
                      name.set(currentTask().name());
                      inStep.countDown();
                      while (spin) {
                        Thread.onSpinWait(); // holds the loop, deaf to interrupts
                      }
                      return null;
                    },
                    loop);
              } catch (Throwable e) {
                firstRun.set(e);
              }
              leftAt.set(System.nanoTime());
              Map<String, ThrowingCall> calls = new LinkedHashMap<>();
              calls.put("runInForeground", () -> runInForeground(sleep(ZERO), loop));
              calls.put("scheduleCoroutine", () -> scheduleCoroutine(() -> "later", loop));
              calls.put("allTasks", () -> allTasks(loop));
              calls.put("close", () -> loop.close());
              calls.forEach(
                  (what, call) -> {
                    long start = System.nanoTime();
                    try {
                      call.run();
                      outcomes.put(what, "returned");
                    } catch (Throwable e) {
                      outcomes.put(what, e);
                    }
                    tookNanos.put(what, System.nanoTime() - start);
                  });
              callsMade.countDown();
            });
    try {
      assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();
      awaitParked(caller);
      caller.interrupt(); // Ctrl-C: the spinning step ignores it
      awaitParked(caller);
      long second = System.nanoTime();
      caller.interrupt(); // Ctrl-C again
      assertThat(callsMade.await(20, TimeUnit.SECONDS)).as("no call hangs").isTrue();

      assertThat(firstRun.get()).isInstanceOf(InterruptedException.class);
      assertThat(leftAt.get() - second)
          .as("the second interrupt returns at once")
          .isLessThan(TimeUnit.SECONDS.toNanos(2));
      assertThat(loop.isClosed()).as("close() refused while held").isFalse();
      assertThat(outcomes)
          .containsOnlyKeys("runInForeground", "scheduleCoroutine", "allTasks", "close");
      outcomes.forEach(
          (what, outcome) ->
              assertThat(outcome)
                  .as(what)
                  .asInstanceOf(InstanceOfAssertFactories.THROWABLE)
                  .isExactlyInstanceOf(IllegalStateException.class)
                  .hasMessageStartingWith("the event loop is held by " + name.get() + ",")
                  .hasMessageContaining("at io.fgbg.LoopWayOutTest.lambda$"));
      tookNanos.forEach(
          (what, nanos) ->
              assertThat(nanos)
                  .as(what + " fails promptly")
                  .isLessThan(TimeUnit.SECONDS.toNanos(2)));
    } finally {
      spin = false;
      caller.interrupt();
      caller.join(10_000);
    }
    awaitRunEnded(loop);
    assertThat(runInForeground(sleep(ZERO, "usable again"), loop)).isEqualTo("usable again");
    assertThat(scheduleCoroutine(() -> "later", loop).isDone()).isFalse();
  }

  @Test
  void aHeldLoopAlsoAnswersOtherThreadsPromptlyAndTheirNextRunWorksOnceTheStepReturns()
      throws Exception {
    CountDownLatch inStep = new CountDownLatch(1);
    CountDownLatch left = new CountDownLatch(1);
    Thread caller =
        caller(
            () -> {
              try {
                runInForeground(
                    () -> {
                      inStep.countDown();
                      while (spin) {
                        Thread.onSpinWait();
                      }
                      return null;
                    },
                    loop);
              } catch (Throwable expected) {
                // InterruptedException
              }
              left.countDown();
            });
    try {
      assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();
      awaitParked(caller);
      caller.interrupt();
      awaitParked(caller);
      caller.interrupt();
      assertThat(left.await(10, TimeUnit.SECONDS)).isTrue();

      long start = System.nanoTime();
      Throwable fromHere = null;
      try {
        allTasks(loop);
      } catch (Throwable e) {
        fromHere = e;
      }
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
      assertThat(fromHere)
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("the event loop is held by Task-");
    } finally {
      spin = false;
      caller.join(10_000);
    }
    awaitRunEnded(loop);
    assertThat(runInForeground(sleep(ZERO, "usable again"), loop)).isEqualTo("usable again");
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }
}
