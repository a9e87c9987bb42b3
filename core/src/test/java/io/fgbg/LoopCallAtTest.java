package io.fgbg;

import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code callAt(when, callback)} is asyncio's {@code call_at}: the callback runs when the loop's
 * clock reads {@code when}, in deadline order with {@code callLater} timers (ties in the order
 * they were made); a time already past runs at the next iteration, still in deadline order. On the
 * virtual clock, so that the instants are exact.
 */
class LoopCallAtTest extends LoopTestSupport {

  @Test
  void aCallbackRunsWhenTheLoopsClockReachesTheGivenTime() throws Exception {
    runInForeground(sleep(ofSeconds(10))); // the clock is well past zero
    Duration base = loop.time();
    loop.callAt(base.plusSeconds(5), () -> log("at " + loop.time().minus(base)));

    runInForeground(sleep(ofSeconds(4)));
    assertThat(events).as("not before its time").isEmpty();
    runInForeground(sleep(ofSeconds(2)));
    assertThat(events).containsExactly("at PT5S");
  }

  @Test
  void callAtAndCallLaterTimersRunInDeadlineOrderTiesInTheOrderTheyWereMade() throws Exception {
    runInForeground(sleep(ofSeconds(10))); // the clock is well past zero
    Duration base = loop.time();
    loop.callLater(ofSeconds(3), () -> log("later 3 s"));
    loop.callAt(base.plusSeconds(1), () -> log("at 1 s"));
    loop.callLater(ofSeconds(2), () -> log("later 2 s"));
    loop.callAt(base.plusSeconds(2), () -> log("at 2 s"));
    loop.callAt(base.plusMillis(2500), () -> log("at 2.5 s"));
    loop.callLater(ofMillis(500), () -> log("later 0.5 s"));

    runInForeground(sleep(ofSeconds(10)));
    assertThat(events)
        .containsExactly("later 0.5 s", "at 1 s", "later 2 s", "at 2 s", "at 2.5 s", "later 3 s");
  }

  @Test
  void aTimeAlreadyPastRunsAtTheNextIterationInDeadlineOrderAfterTheReadyCallbacks()
      throws Exception {
    runInForeground(sleep(ofSeconds(10))); // the clock is well past zero
    Duration base = loop.time();
    loop.callLater(ZERO, () -> log("later 0 s"));
    loop.callAt(base.minusSeconds(1), () -> log("at -1 s"));
    loop.callAt(base.minusSeconds(2), () -> log("at -2 s"));
    loop.callSoon(() -> log("soon"));

    runInForeground(sleep(ZERO));
    assertThat(events).containsExactly("soon", "at -2 s", "at -1 s", "later 0 s");
  }

  @Test
  void aNegativeCallLaterDelayIsADeadlineInThePastInOrderWithCallAt() throws Exception {
    Duration base = loop.time();
    loop.callAt(base.minusSeconds(1), () -> log("at -1 s"));
    loop.callLater(ofSeconds(-2), () -> log("later -2 s"));
    loop.callSoon(() -> log("soon"));

    runInForeground(sleep(ZERO));
    assertThat(events).as("as asyncio runs them").containsExactly("soon", "later -2 s", "at -1 s");
  }

  @Test
  void aTimeBeforeTheClocksRangeIsInThePastNotFarInTheFuture() throws Exception {
    runInForeground(sleep(ofSeconds(1))); // the clock is past zero
    loop.callAt(Duration.ofSeconds(Long.MIN_VALUE), () -> log("at the start of time"));

    runInForeground(sleep(ZERO));
    assertThat(events).containsExactly("at the start of time");
  }

  @Test
  void aCancelledCallAtNeverRuns() throws Exception {
    Handle handle = loop.callAt(loop.time().plusSeconds(1), () -> log("ran"));
    handle.cancel();
    assertThat(handle.isCancelled()).isTrue();

    runInForeground(sleep(ofSeconds(2)));
    assertThat(events).isEmpty();
  }

  @Test
  void aTimeBeyondTheClocksRangeIsFarInTheFutureNotInThePast() throws Exception {
    loop.callAt(Duration.ofSeconds(Long.MAX_VALUE), () -> log("at the end of time"));

    runInForeground(sleep(ofSeconds(3600)));
    assertThat(events).isEmpty();
  }

  @Test
  void nullArgumentsAreRefusedNamingTheParameter() {
    assertThatThrownBy(() -> loop.callAt(null, () -> log("ran")))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("when");
    assertThatThrownBy(() -> loop.callAt(loop.time(), null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("callback");
  }

  @Test
  void aClosedLoopRefusesCallAt() {
    EventLoop closed = EventLoop.createVirtual();
    closed.close();
    assertThatThrownBy(() -> closed.callAt(ZERO, () -> log("ran")))
        .isExactlyInstanceOf(IllegalStateException.class);
  }
}
