package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interrupting a {@code runInForeground} that was handed an existing task (bash's {@code fg},
 * then Ctrl-C) cancels that task, as it does a task the call made: its cleanup runs before the
 * call throws InterruptedException, what it awaits is cancelled with it, every other task keeps
 * its state and resumes in the next run. A background call handed in is cancelled by interrupting
 * its thread. Real clock: the interrupt comes from another thread while the loop runs.
 */
class LoopInterruptCancelsForegroundTaskTest {
  private EventLoop loop;
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void aFreshLoopBoundToThisThread() {
    loop = EventLoop.create();
    EventLoop.setCurrent(loop);
  }

  @AfterEach
  void closeTheLoop() {
    Thread.interrupted();
    loop.close();
    EventLoop.setCurrent(null);
  }

  /** Interrupts {@code target} once every latch has opened (from inside the loop's work). */
  private static void interruptWhen(Thread target, CountDownLatch... latches) {
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                for (CountDownLatch latch : latches) {
                  if (!latch.await(10, TimeUnit.SECONDS)) {
                    return;
                  }
                }
                target.interrupt();
              } catch (InterruptedException ignored) {
                // the test is over
              }
            });
  }

  @Test
  void anInterruptCancelsTheTaskHandedInRunsItsCleanupAndLeavesTheOthersToResumeLater()
      throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Task<String> waiter =
        scheduleCoroutine(
            () -> {
              events.add("waiter waits");
              String value = await(stage);
              events.add("waiter got " + value);
              return value;
            });
    CountDownLatch jobStarted = new CountDownLatch(1);
    Task<String> job =
        scheduleCoroutine(
            () -> {
              try {
                jobStarted.countDown();
                await(sleep(ofSeconds(60)));
                return "finished";
              } catch (CancellationException e) {
                await(sleep(ofMillis(10))); // cleanup that awaits
                events.add("job cleanup");
                throw e;
              }
            });
    interruptWhen(Thread.currentThread(), jobStarted);

    assertThatThrownBy(() -> runInForeground(job))
        .isExactlyInstanceOf(InterruptedException.class)
        .hasMessage("foreground run of " + job.name() + " interrupted (cancelled)");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(job.isCancelled()).as("the job in the foreground is killed").isTrue();
    assertThat(events).containsExactly("waiter waits", "job cleanup");
    assertThat(waiter.isDone()).as("the other job keeps its state").isFalse();

    stage.complete("news");
    assertThat(runInForeground(waiter)).isEqualTo("news");
    assertThat(events).containsExactly("waiter waits", "job cleanup", "waiter got news");
  }

  @Test
  void theCancellationOfTheTaskHandedInReachesWhatItAwaitsButNoOtherTask() throws Exception {
    Task<String> inner = scheduleCoroutine(() -> await(sleep(ofSeconds(60), "inner done")));
    Task<String> sibling = scheduleCoroutine(() -> await(sleep(ofSeconds(60), "sibling done")));
    CountDownLatch outerStarted = new CountDownLatch(1);
    Task<String> outer =
        scheduleCoroutine(
            () -> {
              outerStarted.countDown();
              return await(inner);
            });
    interruptWhen(Thread.currentThread(), outerStarted);

    assertThatThrownBy(() -> runInForeground(outer))
        .isExactlyInstanceOf(InterruptedException.class);
    assertThat(outer.isCancelled()).isTrue();
    assertThat(inner.isCancelled()).as("cancellation propagates to what it awaited").isTrue();
    assertThat(sibling.isDone()).isFalse();
    sibling.cancel();
  }

  @Test
  void aTaskHandedInThatSwallowsTheCancellationFinishesWithItsValueAndTheCallIsInterrupted()
      throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Task<String> job =
        scheduleCoroutine(
            () -> {
              try {
                started.countDown();
                await(sleep(ofSeconds(60)));
                return "finished";
              } catch (CancellationException e) {
                return "swallowed";
              }
            });
    interruptWhen(Thread.currentThread(), started);

    assertThatThrownBy(() -> runInForeground(job))
        .isExactlyInstanceOf(InterruptedException.class)
        .hasMessageStartingWith("foreground run of " + job.name() + " interrupted");
    assertThat(job.isDone()).isTrue();
    assertThat(job.isCancelled()).isFalse();
    assertThat(job.result()).isEqualTo("swallowed");
  }

  @Test
  void anInterruptOfARunOnABackgroundCallCancelsItByInterruptingItsThread() throws Exception {
    CountDownLatch callStarted = new CountDownLatch(1);
    CountDownLatch callEnded = new CountDownLatch(1);
    AtomicReference<Throwable> insideTheCall = new AtomicReference<>();
    Task<String> call =
        callInBackground(
            () -> {
              callStarted.countDown();
              try {
                Thread.sleep(60_000);
                return "slept a minute";
              } catch (InterruptedException e) {
                insideTheCall.set(e);
                throw e;
              } finally {
                callEnded.countDown();
              }
            });
    CountDownLatch loopRuns = new CountDownLatch(1);
    scheduleCoroutine(
        () -> {
          loopRuns.countDown(); // the interrupt comes once the foreground run is going
          return null;
        });
    interruptWhen(Thread.currentThread(), callStarted, loopRuns);

    long start = System.nanoTime();
    assertThatThrownBy(() -> runInForeground(call))
        .isExactlyInstanceOf(InterruptedException.class)
        .hasMessage("foreground run of " + call.name() + " interrupted (cancelled)");
    assertThat(call.isCancelled()).isTrue();
    assertThat(callEnded.await(10, TimeUnit.SECONDS))
        .as("the call's thread was interrupted")
        .isTrue();
    assertThat(insideTheCall.get()).isInstanceOf(InterruptedException.class);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
  }
}
