package io.fgbg;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timers cancelled from other threads: a cancel touches only the timer, so it is safe from any
 * thread, a timer cancelled before the loop reaches it never runs, and the heap is swept so that
 * cancelled timers cannot pile up beyond twice the live ones.
 *
 * <p>Threads: the test thread holds the baton of its {@link SourcesDriver} (makes timers, runs
 * iterations, reads the heap); canceller threads only call {@code cancel()} on handles the test
 * thread hands them, and write atomics.
 */
@Timeout(60)
class TimerCancelFromAnyThreadTest {
  private static final long HOUR = Duration.ofHours(1).toNanos();

  @Test
  void timeoutsMadeOnTheLoopAndCancelledElsewhereAreSweptSoTheHeapStaysNearItsLiveTimers()
      throws Exception {
    ExecutorService canceller = Executors.newSingleThreadExecutor();
    try (SourcesDriver driver = new SourcesDriver(LoopClock.virtual(), 4096)) {
      EventSources sources = driver.sources;
      int live = 100;
      for (int i = 0; i < live; i++) {
        sources.callLater(HOUR, () -> {});
      }
      int most = 0;
      for (int i = 0; i < 20_000; i++) {
        TimerHandle timeout = sources.callLater(HOUR, () -> {});
        canceller.submit(timeout::cancel).get(); // as a wait_for that ended early, elsewhere
        most = Math.max(most, sources.timerCount());
      }
      // swept when a new timer makes it more than twice its size after the last sweep, which
      // held the live timers and the newest timeout, not yet cancelled then
      assertThat(most).as("the largest heap, for %d live timers", live).isEqualTo(2 * (live + 1));
    } finally {
      canceller.shutdown();
    }
  }

  @Test
  void onceAFloodOfTimersHasFiredTheSweepFollowsTheHeapDown() throws Exception {
    ExecutorService canceller = Executors.newSingleThreadExecutor();
    try (SourcesDriver driver = new SourcesDriver(LoopClock.virtual(), 4096)) {
      EventSources sources = driver.sources;
      for (int i = 0; i < 10_000; i++) {
        sources.callLater(1, () -> {});
      }
      sources.callLater(2, driver::stop);
      driver.run(() -> false); // all 10,000 fire
      assertThat(sources.timerCount()).isZero();
      int most = 0;
      for (int i = 0; i < 10_000; i++) {
        TimerHandle timeout = sources.callLater(HOUR, () -> {});
        canceller.submit(timeout::cancel).get();
        most = Math.max(most, sources.timerCount());
      }
      assertThat(most).isLessThanOrEqualTo(EventSources.MIN_SWEEP_SIZE + 1);
    } finally {
      canceller.shutdown();
    }
  }

  @Test
  void cancelsFromEightThreadsRacingTheLoopLeaveEachTimerRunOnceOrNotAtAll() throws Exception {
    int count = 20_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(count);
    ExecutorService cancellers = Executors.newFixedThreadPool(8);
    try (SourcesDriver driver = new SourcesDriver(LoopClock.virtual(), 4096)) {
      EventSources sources = driver.sources;
      List<TimerHandle> timers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        timers.add(sources.callLater(1 + i % 50, () -> runs.incrementAndGet(n)));
      }
      List<TimerHandle> cancelledBeforeTheLoopRan = new ArrayList<>();
      for (int i = 0; i < count; i += 4) {
        cancelledBeforeTheLoopRan.add(timers.get(i));
      }
      List<Future<?>> racing = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int first = c;
        racing.add(
            cancellers.submit(
                () -> {
                  for (int i = 2 + 4 * first; i < count; i += 32) {
                    timers.get(i).cancel(); // races with the loop below
                  }
                }));
      }
      for (TimerHandle t : cancelledBeforeTheLoopRan) {
        cancellers.submit(t::cancel).get();
      }
      sources.callLater(100, driver::stop);
      driver.run(() -> false);
      for (Future<?> f : racing) {
        f.get();
      }
      assertThat(sources.timerCount()).isZero();
      for (int i = 0; i < count; i++) {
        boolean cancelledFirst = i % 4 == 0;
        boolean raced = i % 4 == 2;
        int expectedAtMost = cancelledFirst ? 0 : 1;
        assertThat(runs.get(i)).as("runs of timer " + i).isLessThanOrEqualTo(expectedAtMost);
        if (!cancelledFirst && !raced) {
          assertThat(runs.get(i)).as("runs of timer " + i + ", never cancelled").isEqualTo(1);
        }
        if (raced && runs.get(i) == 0) {
          assertThat(timers.get(i).isCancelled()).isTrue();
        }
      }
    } finally {
      cancellers.shutdown();
    }
  }
}
