package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.startServer;
import static io.fgbg.Fgbg.timeout;
import static io.fgbg.Fgbg.waitFor;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link EventLoop#createVirtual()}'s clock: exact time, jumps when nothing is
 * ready, the order of tied timers, real time while a background call runs, and 10 ms of quiet
 * before a jump while something from outside may still come.
 */
class VirtualClockTest {
  private final EventLoop loop = EventLoop.createVirtual();
  private final List<String> events = new ArrayList<>();

  @AfterEach
  void closeTheLoop() {
    loop.close();
  }

  private void log(String event) {
    events.add(event);
  }

  private static Duration realTimeSince(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void anHourOfSleepPassesAtOnceAndTheClockReadsExactlyThatHour() throws Exception {
    assertThat(loop.time()).isEqualTo(ZERO);
    long start = System.nanoTime();
    runInForeground(sleep(ofHours(1)), loop);
    assertThat(loop.time()).isEqualTo(ofHours(1));
    assertThat(realTimeSince(start)).isLessThan(ofSeconds(5));
  }

  @Test
  void theClockReadsOnlyTheDeadlinesItReached() throws Exception {
    Task<Void> other =
        scheduleCoroutine(
            () -> {
              for (int i = 0; i < 3; i++) {
                await(sleep(ZERO)); // work that takes no time
              }
              return null;
            },
            loop);
    runInForeground(
        () -> {
          log("start " + loop.time());
          await(sleep(ofMillis(1)));
          log("after 1 ms " + loop.time());
          await(other);
          await(sleep(ZERO));
          log("after the other's work " + loop.time());
          await(sleep(ofMillis(250)));
          log("after 250 ms more " + loop.time());
          await(sleep(Duration.ofNanos(1)));
          log("after 1 ns more " + loop.time());
          return null;
        },
        loop);
    assertThat(events)
        .containsExactly(
            "start PT0S",
            "after 1 ms PT0.001S",
            "after the other's work PT0.001S",
            "after 250 ms more PT0.251S",
            "after 1 ns more PT0.251000001S");
  }

  @Test
  void thousandsOfJumpsWithNothingFromOutsideTakeNoRealTime() throws Exception {
    long start = System.nanoTime();
    runInForeground(
        () -> {
          for (int i = 0; i < 2000; i++) {
            await(sleep(ofMillis(10)));
          }
          return null;
        },
        loop);
    assertThat(loop.time()).isEqualTo(ofSeconds(20));
    assertThat(realTimeSince(start))
        .as("2000 jumps, none waiting for the outside (10 ms each would be 20 s)")
        .isLessThan(ofSeconds(10));
  }

  @Test
  void timersOfTheSameDeadlineMadeInOneIterationFireTogetherInTheOrderMade() throws Exception {
    runInForeground(
        () -> {
          for (String name : List.of("A", "B", "C")) {
            loop.callLater(
                ofSeconds(1),
                () -> {
                  log(name + " at " + loop.time());
                  loop.callSoon(() -> log(name + "'s callSoon"));
                });
          }
          await(sleep(ofSeconds(2)));
          return null;
        },
        loop);
    // one iteration runs all three; what they scheduled runs in the next
    assertThat(events)
        .containsExactly(
            "A at PT1S", "B at PT1S", "C at PT1S", "A's callSoon", "B's callSoon", "C's callSoon");
  }

  @Test
  void aTimerThatTiesWithOneMadeInAnEarlierIterationFiresAfterItAndAfterWhatItWoke()
      throws Exception {
    runInForeground(
        () -> {
          loop.callLater(
              ofSeconds(1),
              () -> {
                log("early");
                loop.callSoon(
                    () -> {
                      log("early's callSoon");
                      loop.callSoon(() -> log("early's second callSoon"));
                    });
              });
          await(sleep(ZERO)); // the next timer is made one iteration later
          loop.callLater(ofSeconds(1), () -> log("later at " + loop.time()));
          await(sleep(ofSeconds(2)));
          return null;
        },
        loop);
    assertThat(events)
        .containsExactly("early", "early's callSoon", "early's second callSoon", "later at PT1S");
  }

  @Test
  void aTimerDueWhenMadeRunsAtTheNextIterationAheadOfALaterGroupAtTheSameInstant()
      throws Exception {
    runInForeground(
        () -> {
          loop.callLater(
              ofSeconds(1),
              () -> {
                log("early");
                loop.callLater(ZERO, () -> log("due at once"));
                loop.callLater(ofSeconds(-1), () -> log("due a second ago"));
                loop.callSoon(() -> log("callSoon"));
              });
          await(sleep(ZERO));
          loop.callLater(ofSeconds(1), () -> log("later group"));
          await(sleep(ofSeconds(2)));
          return null;
        },
        loop);
    // as asyncio: the ready callback, then the due timers in deadline order; the tied group after
    assertThat(events)
        .containsExactly("early", "callSoon", "due a second ago", "due at once", "later group");
  }

  @Test
  void whileABackgroundCallRunsTheClockWaitsInRealTimeAndReachesEachDeadlineExactly()
      throws Exception {
    CountDownLatch threeTicks = new CountDownLatch(3);
    Task<Void> ticker =
        scheduleCoroutine(
            () -> {
              for (; ; ) {
                await(sleep(ofMillis(50)));
                log("tick at " + loop.time());
                threeTicks.countDown();
              }
            },
            loop);
    long start = System.nanoTime();
    String result =
        runInForeground(
            () -> {
              Task<String> call =
                  callInBackground(
                      () -> {
                        threeTicks.await(); // returns once the ticker has ticked three times
                        return "returned";
                      },
                      loop,
                      null);
              return await(call);
            },
            loop);
    assertThat(result).isEqualTo("returned");
    assertThat(events).startsWith("tick at PT0.05S", "tick at PT0.1S", "tick at PT0.15S");
    assertThat(realTimeSince(start))
        .as("three ticks of 50 ms, in real time while the call ran")
        .isGreaterThanOrEqualTo(ofMillis(150));
    ticker.cancel();
  }

  @Test
  void aBackgroundCallThatNeverReturnsIsTimedOutAtTheExactInstantAfterThatMuchRealTime()
      throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                runInForeground(
                    waitFor(
                        callInBackground(
                            () -> {
                              never.await(); // until the timeout's cancel interrupts it
                              return null;
                            },
                            loop,
                            null),
                        ofMillis(200)),
                    loop))
        .isExactlyInstanceOf(TimeoutException.class);
    assertThat(loop.time()).isEqualTo(ofMillis(200));
    assertThat(realTimeSince(start)).isGreaterThanOrEqualTo(ofMillis(200));
  }

  @Test
  void aBackgroundCallThatReturnsBeforeTheDeadlineLeavesTheClockWhereItWas() throws Exception {
    String result =
        runInForeground(
            waitFor(callInBackground(() -> "quick", loop, null), ofHours(1)), loop);
    assertThat(result).isEqualTo("quick");
    assertThat(loop.time()).isEqualTo(ZERO);
  }

  @Test
  void aStageThatNeverCompletesIsTimedOutAtTheExactInstantAfterTenMillisecondsOfQuiet() {
    CompletableFuture<String> never = new CompletableFuture<>();
    long start = System.nanoTime();
    assertThatThrownBy(() -> runInForeground(waitFor(() -> await(never), ofSeconds(1)), loop))
        .isExactlyInstanceOf(TimeoutException.class);
    assertThat(loop.time()).isEqualTo(ofSeconds(1));
    assertThat(realTimeSince(start)).isGreaterThanOrEqualTo(ofMillis(10));
    assertThat(never.isCancelled()).as("the timeout cancels the stage").isTrue();
  }

  @Test
  void aStageUnderTimeoutIsTimedOutAtTheExactInstant() {
    CompletableFuture<String> never = new CompletableFuture<>();
    assertThatThrownBy(() -> runInForeground(timeout(ofMillis(1500), () -> await(never)), loop))
        .isExactlyInstanceOf(TimeoutException.class)
        .hasMessage("Task-1 timed out (deadline 1.5 s on the loop's clock)");
    assertThat(loop.time()).isEqualTo(ofMillis(1500));
  }

  @Test
  void whileAStageIsFollowedEachJumpWaitsTenMillisecondsOfQuietFirst() throws Exception {
    CompletableFuture<String> pending = new CompletableFuture<>();
    Task<?> follower = Fgbg.runInBackground(pending, loop, null);
    long start = System.nanoTime();
    runInForeground(
        () -> {
          for (int i = 0; i < 20; i++) {
            await(sleep(ofSeconds(1)));
          }
          return null;
        },
        loop);
    assertThat(loop.time()).isEqualTo(ofSeconds(20));
    assertThat(realTimeSince(start)).isGreaterThanOrEqualTo(ofMillis(200));
    pending.complete("done");
    assertThat(runInForeground(follower)).isEqualTo("done");
  }

  @Test
  void aStageCompletedByAnotherThreadWhileTheLoopWaitsWakesTheTaskWithoutAJump()
      throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    Thread completer =
        Thread.ofPlatform()
            .start(
                () -> {
                  // already running: completes the stage as soon as the loop waits for work
                  while (!(loop.isRunning() && loop.dispatcher.isIdleFromOutside())) {
                    Thread.onSpinWait();
                  }
                  reply.complete("reply");
                });
    String got = runInForeground(waitFor(() -> await(reply), ofHours(1)), loop);
    completer.join();
    assertThat(got).isEqualTo("reply");
    assertThat(loop.time()).as("the reply came within the quiet window").isEqualTo(ZERO);
  }

  @Test
  void aWatchedSocketMakesEachJumpWaitTenMillisecondsOfQuietFirst() throws Exception {
    Server server = runInForeground(startServer((reader, writer) -> {}, "127.0.0.1", 0), loop);
    long start = System.nanoTime();
    runInForeground(
        () -> {
          for (int i = 0; i < 10; i++) {
            await(sleep(ofMillis(100)));
          }
          return null;
        },
        loop);
    assertThat(loop.time()).isEqualTo(ofSeconds(1));
    assertThat(realTimeSince(start)).isGreaterThanOrEqualTo(ofMillis(100));
    server.close();
  }
}
