package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Bugs found by reviewing the first version of the loop, one test each (the comment above each
 * test names the bug): interrupts that leave a run while a task step still holds the loop, close()
 * interrupted, loops nested in callbacks, the current loop inside tasks, stages that refuse
 * isDone(). Tests run on their own loops and threads, with timeouts, so that a hang fails instead
 * of hanging the build.
 */
class RegressionTest {

  // A: await() of a completed JDK minimal stage (CompletableFuture.completedStage) throws UnsupportedOperationException
  @Test
  void awaitOfACompletedMinimalCompletionStageReturnsItsValue() throws Exception {
    EventLoop loop = EventLoop.create();
    try {
      assertTimeoutPreemptively(
          ofSeconds(10),
          () -> {
            Object v = runInForeground(() -> await(CompletableFuture.completedStage(5)), loop);
            assertThat(v).isEqualTo(5);
          });
    } finally {
      loop.close();
    }
  }

  // A': await() of a pending minimalCompletionStage() throws UnsupportedOperationException too (Fgbg.await calls isDone())
  @Test
  void awaitOfAPendingMinimalCompletionStageReturnsItsValue() throws Exception {
    EventLoop loop = EventLoop.create();
    try {
      assertTimeoutPreemptively(
          ofSeconds(10),
          () -> {
            CompletableFuture<Integer> cf = new CompletableFuture<>();
            Thread.ofVirtual()
                .start(
                    () -> {
                      LoopTestSupport.awaitWaitingForWork(loop); // the await is pending
                      cf.complete(7);
                    });
            Object v = runInForeground(() -> await(cf.minimalCompletionStage()), loop);
            assertThat(v).isEqualTo(7);
          });
    } finally {
      loop.close();
    }
  }

  /** Waits (bounded) until the loop's run has ended, on whatever thread it was ending. */
  private static void awaitRunEnded(EventLoop loop) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (loop.isRunning() && System.nanoTime() < end) {
      Thread.sleep(5);
    }
  }

  /** Waits until {@code t} is parked/blocked with its interrupt status consumed. */
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

  // B: after a 2nd interrupt left a stuck run, the thread's next runInForeground busy-spins and ignores further interrupts
  @Test
  void aNewRunAfterADetachedRunCanBeInterrupted() throws Exception {
    EventLoop loop = EventLoop.create();
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Throwable> first = new AtomicReference<>();
    AtomicReference<Object> second = new AtomicReference<>();
    CountDownLatch secondDone = new CountDownLatch(1);
    CountDownLatch secondStarting = new CountDownLatch(1);
    Thread caller =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    runInForeground(
                        () -> {
                          stuck.countDown();
                          release.await(); // a body that blocks without await (or a long CPU loop)
                          return null;
                        },
                        loop);
                  } catch (Throwable t) {
                    first.set(t);
                  }
                  secondStarting.countDown();
                  try {
                    second.set(runInForeground(sleep(ZERO, "second"), loop));
                  } catch (Throwable t) {
                    second.set(t);
                  }
                  secondDone.countDown();
                });
    try {
      assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
      awaitParked(caller);
      caller.interrupt(); // Ctrl-C: cancel requested, but the body is stuck
      awaitParked(caller);
      caller.interrupt(); // Ctrl-C again: leave at once
      assertThat(secondStarting.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(first.get()).isInstanceOf(InterruptedException.class);
      awaitParked(caller); // in its second runInForeground: it waits, it does not spin
      caller.interrupt(); // Ctrl-C on the new command
      boolean returned = secondDone.await(3, TimeUnit.SECONDS);
      assertThat(returned)
          .as("the new runInForeground answers an interrupt (InterruptedException or a clear"
              + " error) instead of spinning until the stuck task lets go; state=" + caller.getState())
          .isTrue();
    } finally {
      release.countDown();
      caller.join(10_000);
      Thread.interrupted();
      awaitRunEnded(loop); // the released step ends the detached run on the task's thread
      loop.close();
    }
  }

  // C: a callback run by close() on the closing thread sees that thread's loop, not the closing one, as EventLoop.current()
  @Test
  void aCallSoonCallbackRunByCloseSeesTheClosingLoopAsCurrent() throws Exception {
    EventLoop loop = EventLoop.create();
    AtomicReference<EventLoop> seen = new AtomicReference<>();
    loop.callSoon(() -> seen.set(EventLoop.current()));
    try {
      assertTimeoutPreemptively(ofSeconds(10), loop::close);
      assertThat(seen.get()).isSameAs(loop);
    } finally {
      EventLoop.setCurrent(null);
    }
  }

  // D: close() with the interrupt status set abandons pending tasks: no cleanup, never done, their threads parked forever
  @Test
  void closeWithAPendingInterruptStillCancelsTasksAndReleasesTheirThreads() throws Exception {
    EventLoop loop = EventLoop.create();
    AtomicBoolean cleanedUp = new AtomicBoolean();
    AtomicReference<Thread> taskThread = new AtomicReference<>();
    Task<Void> job =
        scheduleCoroutine(
            () -> {
              taskThread.set(Thread.currentThread());
              try {
                await(sleep(ofHours(1)));
              } finally {
                cleanedUp.set(true);
              }
              return null;
            },
            loop);
    runInForeground(sleep(ZERO), loop);
    assertThat(taskThread.get()).isNotNull();
    Thread closer =
        Thread.ofPlatform()
            .start(
                () -> {
                  Thread.currentThread().interrupt(); // e.g. restored after catching InterruptedException
                  loop.close();
                });
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
    // (while the bug stands, nothing can free the abandoned task thread: it stays parked, not
    // running, on the closed loop)
    assertThat(job.isDone()).as("task done after close()").isTrue();
    assertThat(cleanedUp).as("cleanup ran").isTrue();
    taskThread.get().join(2000);
    assertThat(taskThread.get().isAlive()).as("task thread left alive after close()").isFalse();
  }

  // E: a callback may run another loop nested in the same thread (asyncio refuses); waiting on the frozen outer loop hangs
  @Test
  void runningAnotherLoopInsideACallbackOfARunningLoopIsAClearError() throws Exception {
    EventLoop outer = EventLoop.create();
    EventLoop inner = EventLoop.create();
    CompletableFuture<String> fromOuter = new CompletableFuture<>();
    AtomicReference<Object> nested = new AtomicReference<>();
    CountDownLatch nestedDone = new CountDownLatch(1);
    Thread runner =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    outer.callSoon( // first in the queue: runs on this (the caller) thread
                        () -> {
                          try {
                            nested.set(runInForeground(() -> await(fromOuter), inner));
                          } catch (Throwable t) {
                            nested.set(t);
                          }
                          nestedDone.countDown();
                        });
                    Task<String> producer =
                        scheduleCoroutine(
                            () -> {
                              fromOuter.complete("made by the outer loop");
                              return "ok";
                            },
                            outer);
                    runInForeground(producer, outer);
                  } catch (Throwable t) {
                    nested.compareAndSet(null, t);
                    nestedDone.countDown();
                  }
                });
    try {
      boolean answered = nestedDone.await(3, TimeUnit.SECONDS);
      assertThat(answered).as("the nested runInForeground returns or throws (it hangs)").isTrue();
      assertThat(nested.get()).isInstanceOf(IllegalStateException.class);
    } finally {
      fromOuter.complete("unblock");
      runner.join(10_000);
      inner.close();
      outer.close();
    }
  }

  // F: a task that calls EventLoop.setCurrent changes EventLoop.current() for later tasks adopted by the same thread
  @Test
  void insideEveryTaskTheCurrentLoopIsTheTasksLoopEvenAfterAnotherTaskRebound() throws Exception {
    EventLoop loop = EventLoop.create();
    try {
      scheduleCoroutine(
          () -> {
            EventLoop.setCurrent(null); // e.g. helper code that unbinds "its" loop when done
            return null;
          },
          loop);
      Task<EventLoop> probe = scheduleCoroutine(EventLoop::current, loop);
      assertThat(runInForeground(probe, loop)).isSameAs(loop);
    } finally {
      loop.close();
    }
  }

  // G: a double-interrupted close() frees the baton and clears ready/timers while a task step still holds the loop
  @Test
  void aDoubleInterruptedCloseDoesNotReleaseTheLoopWhileATaskStepStillRuns() throws Exception {
    EventLoop loop = EventLoop.create();
    CountDownLatch inCleanup = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> taskThread = new AtomicReference<>();
    AtomicReference<Boolean> runningDuringStep = new AtomicReference<>();
    scheduleCoroutine(
        () -> {
          taskThread.set(Thread.currentThread());
          try {
            await(sleep(ofHours(1)));
          } catch (java.util.concurrent.CancellationException e) {
            inCleanup.countDown();
            release.await(); // cleanup that does not cooperate (blocking I/O, a long computation)
            runningDuringStep.set(loop.isRunning());
            throw e;
          }
          return null;
        },
        loop);
    runInForeground(sleep(ZERO), loop);
    Thread closer = Thread.ofPlatform().start(loop::close);
    try {
      assertThat(inCleanup.await(10, TimeUnit.SECONDS)).isTrue();
      awaitParked(closer);
      closer.interrupt();
      awaitParked(closer);
      closer.interrupt(); // leave at once
      closer.join(10_000);
      assertThat(closer.isAlive()).isFalse();
      assertThat(loop.isClosed()).isTrue();
      assertThat(taskThread.get().getState()).as("the task step is still running").isEqualTo(Thread.State.WAITING);
      // true only if this (second) thread could take the baton and ran the action on it
      boolean anotherThreadGotTheBaton = loop.runOnLoopOrPost(() -> {});
      assertThat(anotherThreadGotTheBaton)
          .as("a second thread can take the baton while a task step holds it")
          .isFalse();
    } finally {
      release.countDown();
      taskThread.get().join(10_000);
    }
    assertThat(runningDuringStep.get()).as("isRunning() while a task step runs").isTrue();
  }

  // H: right after a 2nd interrupt, the caller's scheduleCoroutine/callInBackground/allTasks fail with 'another thread'
  // (the loop-health contract since: while the step still holds the loop they fail at once,
  // naming the task, and work again once the step has returned)
  @Test
  void rightAfterASecondInterruptCallsFailNamingTheStepThenWorkOnceItReturns() throws Exception {
    EventLoop loop = EventLoop.create();
    CountDownLatch inStep = new CountDownLatch(1);
    AtomicReference<Object> outcome = new AtomicReference<>();
    AtomicReference<Object> afterwards = new AtomicReference<>();
    Thread caller =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    runInForeground(
                        () -> {
                          inStep.countDown();
                          long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                          while (System.nanoTime() < end) {
                            Thread.onSpinWait(); // a step that takes 300 ms before its next await
                          }
                          await(sleep(ZERO));
                          return null;
                        },
                        loop);
                  } catch (Throwable expected) {
                    // InterruptedException
                  }
                  try {
                    outcome.set(scheduleCoroutine(() -> "next job", loop));
                  } catch (Throwable t) {
                    outcome.set(t);
                  }
                  while (loop.isRunning()) {
                    Thread.onSpinWait(); // the step returns within its 300 ms
                  }
                  afterwards.set(scheduleCoroutine(() -> "next job", loop));
                });
    try {
      assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();
      awaitParked(caller);
      caller.interrupt();
      awaitParked(caller);
      caller.interrupt();
      caller.join(10_000);
      assertThat(outcome.get())
          .isInstanceOf(IllegalStateException.class)
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
          .hasMessageStartingWith("the event loop is held by Task-1, ")
          .hasMessageContaining("RegressionTest");
      assertThat(afterwards.get()).isInstanceOf(Task.class);
    } finally {
      caller.join(10_000);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (loop.isRunning() && System.nanoTime() < end) {
        Thread.sleep(5); // the interrupted run ends at its next callback boundary
      }
      loop.close();
    }
  }

  // I: releaseRun() clears detachedCaller before running: a new run right after a 2nd interrupt can get a spurious ISE
  @Test
  void aNewRunRightAfterASecondInterruptNeverFailsWithAnotherThreadError() throws Exception {
    EventLoop loop = EventLoop.create();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> spurious = new AtomicReference<>();
    Task<Void> background =
        scheduleCoroutine(
            () -> {
              while (true) {
                await(sleep(java.time.Duration.ofNanos(200_000)));
              }
            },
            loop);
    Thread caller =
        Thread.ofPlatform()
            .start(
                () -> {
                  java.util.Random random = new java.util.Random(1);
                  while (!stop.get()) {
                    try {
                      if (random.nextBoolean()) {
                        runInForeground(sleep(ZERO), loop);
                      } else {
                        runInForeground(sleep(java.time.Duration.ofNanos(300_000)), loop);
                      }
                    } catch (IllegalStateException e) {
                      spurious.compareAndSet(null, e);
                      stop.set(true);
                    } catch (Exception interruptedOrCancelled) {
                      // expected
                    }
                  }
                  Thread.interrupted();
                });
    try {
      java.util.Random random = new java.util.Random(2);
      // the race showed within a second; -Dfgbg.stress.seconds=N runs it longer
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("fgbg.stress.seconds", 3));
      while (System.nanoTime() < end && !stop.get()) {
        Thread.sleep(0, random.nextInt(500_000));
        caller.interrupt();
        if (random.nextBoolean()) {
          Thread.sleep(0, random.nextInt(100_000));
          caller.interrupt();
        }
      }
    } finally {
      stop.set(true);
      caller.join(10_000);
      background.cancel();
      loop.close();
    }
    assertThat(caller.isAlive()).isFalse();
    assertThat(spurious.get()).isNull();
  }

  // J: addDoneCallback on a task of a closed loop is accepted and silently never runs (asyncio: 'Event loop is closed')
  @Test
  void addDoneCallbackOnATaskOfAClosedLoopIsRefusedOrRuns() throws Exception {
    EventLoop loop = EventLoop.create();
    Task<String> done = scheduleCoroutine(() -> "value", loop);
    assertThat(runInForeground(done, loop)).isEqualTo("value");
    loop.close();
    AtomicBoolean ran = new AtomicBoolean();
    Throwable refused = null;
    try {
      done.addDoneCallback(t -> ran.set(true));
    } catch (Throwable t) {
      refused = t;
    }
    assertThat(ran.get() || refused instanceof IllegalStateException)
        .as("the callback either runs or is refused with IllegalStateException (refused=" + refused + ")")
        .isTrue();
  }
}
