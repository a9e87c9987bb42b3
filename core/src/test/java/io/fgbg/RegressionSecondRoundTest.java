package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Bugs found by a second review of the loop, one test each (the comment above each test names the
 * bug): a task left uncancelled by two interrupts, foreground runs inside background calls, the
 * order of work posted through the inbox, and close() waiting through an interrupt. (The third
 * finding, the cost of spinning on a single carrier, is measured by {@code bin/bench-switch
 * --parallelism 1}.) Every test runs on loops and threads of its own, with timeouts, and leaves no
 * thread behind.
 */
class RegressionSecondRoundTest {

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
  }

  // 1. Ctrl-C twice: the first interrupt's cancel of the task the run created is only posted to the
  //    inbox; the second stops the run before the loop has read the inbox, so the task is never
  //    cancelled and resumes, uncancelled, in the next foreground run.
  @Test
  void aTaskCreatedByARunThatWasInterruptedTwiceIsCancelledNotResumedLater() throws Exception {
    EventLoop loop = EventLoop.create();
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Task<?>> created = new AtomicReference<>();
    AtomicReference<Throwable> callerOutcome = new AtomicReference<>();
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    Thread caller =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    runInForeground(
                        () -> {
                          created.set(currentTask());
                          stuck.countDown();
                          release.await(); // a long step: blocking I/O, a computation
                          try {
                            await(sleep(ZERO));
                            events.add("resumed-uncancelled");
                            return "finished";
                          } catch (CancellationException e) {
                            events.add("cancelled");
                            throw e;
                          }
                        },
                        loop);
                  } catch (Throwable t) {
                    callerOutcome.set(t);
                  }
                });
    try {
      assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
      awaitParked(caller);
      caller.interrupt(); // Ctrl-C: cancel the job
      awaitParked(caller);
      caller.interrupt(); // Ctrl-C again: leave at once
      caller.join(10_000);
      assertThat(callerOutcome.get()).isInstanceOf(InterruptedException.class);
      release.countDown(); // the step ends; the detached run ends at its next callback boundary
      awaitRunEnded(loop);
      Object next =
          assertTimeoutPreemptively(
              ofSeconds(10),
              () -> {
                try {
                  return runInForeground(created.get(), loop); // the next foreground command
                } catch (Throwable t) {
                  return t;
                }
              });
      assertThat(events)
          .as("API.md: interrupting runInForeground cancels the task that call created (a second"
              + " interrupt only stops waiting for its cleanup); the job must not resume as if"
              + " never interrupted")
          .containsExactly("cancelled");
      assertThat(next).isInstanceOf(CancellationException.class);
    } finally {
      release.countDown();
      caller.join(10_000);
      awaitRunEnded(loop);
      loop.close();
    }
  }

  // 2. BackgroundCall binds the caller's loop as the current loop of default-executor threads, so a
  //    blocking call that runs a coroutine of its own (asyncio.run inside run_in_executor, which
  //    asyncio allows) gets "running in another thread" while the caller awaits the call.
  @Test
  void aBackgroundCallCanRunACoroutineInTheForegroundOfItsOwnThread() throws Exception {
    EventLoop loop = EventLoop.create();
    try {
      Object outcome =
          assertTimeoutPreemptively(
              ofSeconds(10),
              () -> {
                Task<String> call =
                    callInBackground(() -> runInForeground(sleep(ZERO, "inner")), loop, null);
                try {
                  return runInForeground(call, loop);
                } catch (Throwable t) {
                  return t;
                }
              });
      assertThat(outcome).isEqualTo("inner");
    } finally {
      loop.close();
    }
  }

  // 2'. Same root cause, other face: while the caller's loop is idle, a foreground run inside the
  //     background call runs the CALLER's loop on the executor thread, so the caller's background
  //     tasks start although the thread that scheduled them never ran its loop.
  @Test
  void aForegroundRunInsideABackgroundCallDoesNotRunTheCallersBackgroundTasks() throws Exception {
    EventLoop loop = EventLoop.create();
    AtomicBoolean tickerRan = new AtomicBoolean();
    CountDownLatch callDone = new CountDownLatch(1);
    try {
      Task<Object> ticker =
          scheduleCoroutine(
              () -> {
                tickerRan.set(true);
                return null;
              },
              loop);
      callInBackground(
          () -> {
            try {
              return runInForeground(sleep(ZERO, "helper"));
            } finally {
              callDone.countDown();
            }
          },
          loop,
          null);
      assertThat(callDone.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(tickerRan.get())
          .as("API.md: a scheduled coroutine does not start until the thread that scheduled it runs"
              + " its loop (this thread never ran it)")
          .isFalse();
      assertThat(ticker.isDone()).isFalse();
    } finally {
      loop.close();
    }
  }

  // 3. callSoonThreadsafe from the loop's own thread goes through the inbox, which joins the ready
  //    queue only at the next iteration: a callback posted before a callSoon runs after it (asyncio's
  //    call_soon_threadsafe appends to the ready queue at once: FIFO with call_soon).
  @Test
  void callSoonThreadsafeOnTheLoopsOwnThreadKeepsFifoOrderWithCallSoon() throws Exception {
    EventLoop loop = EventLoop.create();
    List<String> order = new ArrayList<>();
    try {
      assertTimeoutPreemptively(
          ofSeconds(10),
          () ->
              runInForeground(
                  () -> {
                    EventLoop current = EventLoop.current();
                    Task<Object> t =
                        scheduleCoroutine(
                            () -> {
                              order.add("T0");
                              await(sleep(ZERO));
                              order.add("T1");
                              return null;
                            });
                    current.callSoonThreadsafe(() -> order.add("threadsafe"));
                    current.callSoon(() -> order.add("soon"));
                    await(sleep(ZERO));
                    order.add("main1");
                    await(t);
                    return null;
                  },
                  loop));
      // python3: call_soon_threadsafe(a); call_soon(b) -> T0, threadsafe, soon, main1, T1
      assertThat(order)
          .as("API.md: ready work runs in FIFO order")
          .containsExactly("T0", "threadsafe", "soon", "main1", "T1");
    } finally {
      loop.close();
    }
  }

  // 3'. Same root cause, the face the contract names ("await of a task"): a background call that
  //     completes while a step runs posts its outcome; asyncio's call_soon_threadsafe appends it to
  //     the ready queue at once, ahead of what the step schedules after it; fgbg's inbox joins the
  //     queue only at the next iteration, behind it, so the awaiting task resumes one step late.
  @Test
  void aTaskAwaitingABackgroundCallThatCompletesDuringAStepResumesInAsyncioOrder() throws Exception {
    EventLoop loop = EventLoop.create();
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    try {
      assertTimeoutPreemptively(
          ofSeconds(10),
          () ->
              runInForeground(
                  () -> {
                    Task<String> call =
                        callInBackground(
                            () -> {
                              go.await();
                              return "v";
                            });
                    Task<Object> w =
                        scheduleCoroutine(
                            () -> {
                              order.add("W-got-" + await(call));
                              return null;
                            });
                    await(sleep(ZERO));
                    long posted = loop.sources.backlog();
                    go.countDown();
                    while (loop.sources.backlog() == posted) {
                      Thread.onSpinWait(); // the call returns, and posts, while this step runs
                    }
                    Task<Object> t =
                        scheduleCoroutine(
                            () -> {
                              for (int i = 0; i < 3; i++) {
                                order.add("T" + i);
                                await(sleep(ZERO));
                              }
                              return null;
                            });
                    order.add("main-step-end");
                    await(sleep(ZERO));
                    order.add("main1");
                    await(w);
                    await(t);
                    return null;
                  },
                  loop));
      // python3, the same program with loop.run_in_executor and time.sleep(0.3):
      // main-step-end, T0, main1, W-got-v, T1, T2
      assertThat(order).containsExactly("main-step-end", "T0", "main1", "W-got-v", "T1", "T2");
    } finally {
      loop.close();
    }
  }

  // 4. close(): "an interrupt of the calling thread does not cut the shutdown short", yet one
  //    interrupt while close() waits for the default executor (shutDownThreads) ends that wait and
  //    skips joining the task threads: close() returns with a thread of the loop still running.
  @Test
  void oneInterruptDuringClosesWaitForBackgroundCallsDoesNotCutItShort() throws Exception {
    EventLoop loop = EventLoop.create();
    AtomicReference<Thread> callThread = new AtomicReference<>();
    CountDownLatch callStarted = new CountDownLatch(1);
    callInBackground(
        () -> {
          callThread.set(Thread.currentThread());
          callStarted.countDown();
          long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
          while (System.nanoTime() < end) { // a call that takes 1.5 s whatever interrupts say
            try {
              Thread.sleep(10);
            } catch (InterruptedException ignored) {
              // keeps going, as much blocking code does
            }
          }
          return null;
        },
        loop,
        null);
    assertThat(callStarted.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread closer =
        Thread.ofPlatform()
            .start(
                () -> {
                  loop.close();
                  interruptKept.set(Thread.currentThread().isInterrupted());
                });
    try {
      awaitInShutDownThreads(closer);
      closer.interrupt(); // one Ctrl-C while close() waits for the background call
      closer.join(10_000);
      assertThat(closer.isAlive()).isFalse();
      callThread.get().join(200);
      assertThat(callThread.get().isAlive())
          .as("close() returned while a thread of the loop still runs (design 3.4: close() joins"
              + " every thread the loop started; javadoc: an interrupt does not cut the shutdown"
              + " short)")
          .isFalse();
      assertThat(interruptKept).as("the interrupt status is kept for the caller").isTrue();
    } finally {
      closer.join(10_000);
      callThread.get().join(10_000);
    }
  }

  /** Waits until {@code closer} is inside EventLoop.shutDownThreads (the executor's termination). */
  private static void awaitInShutDownThreads(Thread closer) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      boolean inside =
          Arrays.stream(closer.getStackTrace())
              .anyMatch(f -> f.getMethodName().equals("shutDownThreads"));
      if (inside && closer.getState() == Thread.State.TIMED_WAITING) {
        return;
      }
      Thread.sleep(2);
    }
    throw new AssertionError("close() never reached shutDownThreads: " + closer.getState());
  }
}
