package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timers whose deadline lies in the past (a negative delay, or {@code callAt} a time gone by) are
 * due at once and run in deadline order, after what is already ready, as in asyncio; {@code
 * callAt} keeps its deadline exactly; deadlines saturate at both ends of the clock.
 *
 * <p>Threads: everything runs in the test's thread, which holds the baton of the {@link
 * SourcesDriver} (or of the loop) it makes; the event lists are plain.
 */
@Timeout(60)
class TimersInThePastTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void timersInThePastRunInDeadlineOrderAfterWhatIsReadyAsAsyncioRunsThem() {
    List<String> asyncio = AsyncioReference.printedBy("/timers/timers_in_the_past.py");
    List<String> events = new ArrayList<>();
    try (SourcesDriver driver = new SourcesDriver(LoopClock.virtual(), 4096)) {
      EventSources sources = driver.sources;
      Runnable nested =
          () -> {
            events.add("nested");
            sources.callLater(-5 * SECOND, () -> events.add("nested later -5"));
            driver.callSoon(() -> events.add("nested soon"));
            sources.callLater(0, () -> events.add("nested later 0"));
            sources.callAt(sources.now() - 10 * SECOND, () -> events.add("nested at now-10"));
          };
      sources.callLater(0, () -> events.add("later 0"));
      sources.callLater(-SECOND, () -> events.add("later -1"));
      driver.callSoon(() -> events.add("soon"));
      sources.callLater(-2 * SECOND, () -> events.add("later -2"));
      sources.callAt(sources.now() - 3 * SECOND, () -> events.add("at now-3"));
      sources.callLater(-SECOND, () -> events.add("later -1 again"));
      sources.callLater(-1_000_000 * SECOND, () -> events.add("later -1000000"));
      driver.callSoon(nested);
      sources.callLater(50_000_000, () -> events.add("later 0.05"));
      sources.callLater(100_000_000, driver::stop);
      driver.run(() -> false);
    }
    assertThat(events).containsExactlyElementsOf(asyncio);
  }

  @Test
  void callAtKeepsItsDeadlineExactlyAndFiresWhenTheClockReachesIt() {
    List<String> events = new ArrayList<>();
    try (SourcesDriver driver = new SourcesDriver(LoopClock.virtual(), 4096)) {
      EventSources sources = driver.sources;
      TimerHandle past = sources.callAt(-7 * SECOND, () -> events.add("past"));
      TimerHandle future =
          sources.callAt(12 * SECOND, () -> events.add("future at " + sources.now()));
      assertThat(past.deadline).isEqualTo(-7 * SECOND);
      assertThat(future.deadline).isEqualTo(12 * SECOND);
      sources.callLater(13 * SECOND, driver::stop);
      driver.run(() -> false);
    }
    assertThat(events).containsExactly("past", "future at " + 12 * SECOND);
  }

  @Test
  void deadlinesSaturateAtBothEndsAndTheFarthestStaysShortOfNoDeadline() {
    List<String> events = new ArrayList<>();
    try (SourcesDriver driver = new SourcesDriver(LoopClock.virtual(), 4096)) {
      EventSources sources = driver.sources;
      TimerHandle latest = sources.callLater(Long.MAX_VALUE, () -> events.add("never"));
      TimerHandle atMax = sources.callAt(Long.MAX_VALUE, () -> events.add("never either"));
      TimerHandle earliest = sources.callLater(Long.MIN_VALUE, () -> events.add("min"));
      TimerHandle next = sources.callLater(Long.MIN_VALUE + 1, () -> events.add("min + 1"));
      assertThat(latest.deadline).isEqualTo(EventSources.NO_DEADLINE - 1);
      assertThat(atMax.deadline).isEqualTo(EventSources.NO_DEADLINE - 1);
      assertThat(earliest.deadline).isEqualTo(Long.MIN_VALUE);
      assertThat(next.deadline).isEqualTo(Long.MIN_VALUE + 1);
      driver.runOnce();
    }
    assertThat(events).containsExactly("min", "min + 1");
    assertThat(EventSources.saturatedAdd(-5, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    assertThat(EventSources.saturatedAdd(5, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(EventSources.saturatedAdd(5, -7)).isEqualTo(-2);
  }

  @Test
  void negativeDelaysAndCallAtOnTheLoopRunInDeadlineOrderAsInAsyncio() throws Exception {
    List<String> asyncio = AsyncioReference.printedBy("/timers/timers_in_the_past.py");
    List<String> events = new ArrayList<>();
    try (EventLoop loop = EventLoop.createVirtual()) {
      Runnable nested =
          () -> {
            events.add("nested");
            loop.callLater(ofSeconds(-5), () -> events.add("nested later -5"));
            loop.callSoon(() -> events.add("nested soon"));
            loop.callLater(Duration.ZERO, () -> events.add("nested later 0"));
            loop.callAt(loop.time().minusSeconds(10), () -> events.add("nested at now-10"));
          };
      runInForeground(
          () -> {
            loop.callLater(Duration.ZERO, () -> events.add("later 0"));
            loop.callLater(ofSeconds(-1), () -> events.add("later -1"));
            loop.callSoon(() -> events.add("soon"));
            loop.callLater(ofSeconds(-2), () -> events.add("later -2"));
            loop.callAt(loop.time().minusSeconds(3), () -> events.add("at now-3"));
            loop.callLater(ofSeconds(-1), () -> events.add("later -1 again"));
            loop.callLater(ofSeconds(-1_000_000), () -> events.add("later -1000000"));
            loop.callSoon(nested);
            loop.callLater(ofMillis(50), () -> events.add("later 0.05"));
            await(sleep(ofMillis(100)));
            return null;
          },
          loop);
      assertThat(events).containsExactlyElementsOf(asyncio);
      assertThatThrownBy(() -> loop.callAt(null, () -> {}))
          .isExactlyInstanceOf(NullPointerException.class)
          .hasMessage("when");
      assertThatThrownBy(() -> loop.callAt(Duration.ZERO, null))
          .isExactlyInstanceOf(NullPointerException.class)
          .hasMessage("callback");
    }
  }
}
