package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.untilIdle;
import static io.fgbg.Fgbg.waitFor;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link Fgbg#untilIdle()}, trio's {@code wait_all_tasks_blocked}: done at the first iteration
 * that finds nothing ready, without moving time.
 */
class UntilIdleTest extends LoopTestSupport {

  @Test
  void twoTasksPingPongingThroughQueuesRunToQuiescenceBeforeItReturns() throws Exception {
    AsyncQueue<Integer> ping = new AsyncQueue<>();
    AsyncQueue<Integer> pong = new AsyncQueue<>();
    scheduleCoroutine(
        () -> {
          for (; ; ) {
            int n = await(ping.get());
            log("ping " + n);
            if (n < 5) {
              await(pong.put(n + 1));
            }
          }
        });
    scheduleCoroutine(
        () -> {
          for (; ; ) {
            int n = await(pong.get());
            log("pong " + n);
            await(ping.put(n + 1));
          }
        });
    ping.putNowait(0);
    runInForeground(
        () -> {
          await(untilIdle());
          log("idle at " + loop.time());
          return null;
        });
    assertThat(events)
        .containsExactly(
            "ping 0", "pong 1", "ping 2", "pong 3", "ping 4", "pong 5", "ping 6", "idle at PT0S");
  }

  @Test
  void aSleepingTaskIsNotReadyAndTheClockDoesNotMove() throws Exception {
    Task<Void> sleeper =
        scheduleCoroutine(
            () -> {
              log("sleeper starts");
              await(sleep(ofSeconds(1)));
              log("sleeper wakes at " + loop.time());
              return null;
            });
    runInForeground(untilIdle());
    assertThat(events).containsExactly("sleeper starts");
    assertThat(loop.time()).isEqualTo(ZERO);
    assertThat(sleeper.isDone()).isFalse();
    runInForeground(sleeper);
    assertThat(events).containsExactly("sleeper starts", "sleeper wakes at PT1S");
  }

  @Test
  void readyCallbacksAndTimersDueNowRunFirst() throws Exception {
    runInForeground(
        () -> {
          loop.callSoon(
              () -> {
                log("callSoon");
                loop.callSoon(() -> log("its callSoon"));
              });
          loop.callLater(ZERO, () -> log("due now"));
          loop.callLater(ofSeconds(1), () -> log("due in a second"));
          await(untilIdle());
          log("idle");
          return null;
        });
    assertThat(events).containsExactly("callSoon", "due now", "its callSoon", "idle");
  }

  @Test
  void everyTaskWaitingForIdlenessResumesInTheSameIterationInTheOrderTheyCame() throws Exception {
    for (String name : new String[] {"A", "B", "C"}) {
      scheduleCoroutine(
          () -> {
            await(untilIdle());
            log(name + " idle");
            await(sleep(ZERO));
            log(name + " next");
            return null;
          });
    }
    runInForeground(sleep(ofSeconds(1)));
    assertThat(events)
        .containsExactly("A idle", "B idle", "C idle", "A next", "B next", "C next");
  }

  @Test
  void aRunningBackgroundCallIsNotAReadyCallback() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Task<String> call =
        callInBackground(
            () -> {
              release.await();
              return "returned";
            });
    runInForeground(untilIdle());
    assertThat(call.isDone()).isFalse();
    release.countDown();
    assertThat(runInForeground(call)).isEqualTo("returned");
  }

  @Test
  void aCancelledWaitIsForgottenAndDoesNotHoldTheNextOneBack() throws Exception {
    assertThatThrownBy(() -> runInForeground(waitFor(untilIdle(), ZERO)))
        .isExactlyInstanceOf(java.util.concurrent.TimeoutException.class);
    Task<Void> later =
        scheduleCoroutine(
            () -> {
              log("later");
              return null;
            });
    runInForeground(untilIdle());
    assertThat(later.isDone()).isTrue();
    assertThat(events).containsExactly("later");
  }

  @Test
  void outsideATaskItSaysToUseRunInForeground() {
    assertThatThrownBy(() -> untilIdle().run())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "untilIdle() can only be used inside a task: outside one, use runInForeground() to run"
                + " the loop until the work is done");
  }

  @Test
  void aTaskCancelledWhileWaitingGetsTheCancellation() throws Exception {
    Task<Void> waiting =
        scheduleCoroutine(
            () -> {
              await(untilIdle());
              return null;
            });
    Task<Void> canceller =
        scheduleCoroutine(
            () -> {
              waiting.cancel();
              return null;
            });
    runInForeground(canceller);
    runInForeground(sleep(ZERO));
    assertThat(waiting.isCancelled()).isTrue();
    assertThatThrownBy(waiting::result)
        .isExactlyInstanceOf(CancellationException.class)
        .hasMessage("untilIdle of Task-1 was cancelled");
  }
}
