package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.timeout;
import static io.fgbg.Fgbg.timeoutAt;
import static io.fgbg.Fgbg.waitFor;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A reply just before a deadline, and exactly at it, on {@link EventLoop#createVirtual()}: the
 * same cases as {@code timers/deadlines.py}, which runs them under CPython's asyncio on a virtual
 * clock of the same kind, and the same answers. At the deadline, the timer scheduled first wins:
 * a reply whose timer was set after the deadline's (the body of {@code waitFor}, {@code timeout}
 * or {@code waitTasks} starts after the deadline is armed) times out; a reply scheduled before it,
 * in the same iteration or an earlier one, gets through; a deadline already reached ({@code
 * timeoutAt(now)}) expires at the first suspension.
 */
class VirtualClockDeadlinesTest {
  private final List<String> lines = new ArrayList<>();

  private interface Case {
    String run(EventLoop loop) throws Exception;
  }

  private void run(String name, Case body) throws Exception {
    try (EventLoop loop = EventLoop.createVirtual()) {
      String outcome = body.run(loop);
      lines.add(
          name
              + ": "
              + outcome
              + " at "
              + String.format(Locale.ROOT, "%.3f", loop.time().toNanos() / 1e9));
    }
  }

  private static Coroutine<String> replyAfter(Duration delay) {
    return () -> {
      await(sleep(delay));
      return "reply";
    };
  }

  private static String waitForAReply(EventLoop loop, Duration delay) throws Exception {
    return runInForeground(
        () -> {
          try {
            return await(waitFor(replyAfter(delay), ofSeconds(1)));
          } catch (TimeoutException e) {
            return "timeout";
          }
        },
        loop);
  }

  private static String waitForAReplyScheduledFirst(EventLoop loop, Duration delay)
      throws Exception {
    return runInForeground(
        () -> {
          Task<String> replier = scheduleCoroutine(replyAfter(delay));
          await(sleep(ZERO)); // the replier's timer is set before the deadline's
          try {
            return await(waitFor(replier, ofSeconds(1)));
          } catch (TimeoutException e) {
            return "timeout";
          }
        },
        loop);
  }

  private static String waitForAReplyScheduledAnIterationEarlier(EventLoop loop, Duration delay)
      throws Exception {
    return runInForeground(
        () -> {
          Task<String> replier = scheduleCoroutine(replyAfter(delay));
          await(sleep(ZERO));
          await(sleep(ZERO)); // the deadline's timer is set one iteration after the replier's
          try {
            return await(waitFor(replier, ofSeconds(1)));
          } catch (TimeoutException e) {
            return "timeout";
          }
        },
        loop);
  }

  private static String timeoutAroundASleep(EventLoop loop, Duration delay) throws Exception {
    return runInForeground(
        () -> {
          try {
            await(timeout(ofSeconds(1), sleep(delay)));
            return "ok";
          } catch (TimeoutException e) {
            return "timeout";
          }
        },
        loop);
  }

  private static String timeoutAtAroundASleep(EventLoop loop, Duration delay) throws Exception {
    return runInForeground(
        () -> {
          try {
            await(timeoutAt(loop.time().plusSeconds(1), sleep(delay)));
            return "ok";
          } catch (TimeoutException e) {
            return "timeout";
          }
        },
        loop);
  }

  private static String waitWithTimeout(EventLoop loop, Duration delay) throws Exception {
    return runInForeground(
        () -> {
          Task<String> task = scheduleCoroutine(replyAfter(delay));
          WaitResult result = await(waitTasks(List.of(task), ofSeconds(1)));
          String outcome = result.done().contains(task) ? "done" : "pending";
          task.cancel();
          return outcome;
        },
        loop);
  }

  private static String timeoutAtNow(EventLoop loop) throws Exception {
    return runInForeground(
        () -> {
          List<String> steps = new ArrayList<>();
          try {
            await(
                timeoutAt(
                    loop.time(),
                    () -> {
                      steps.add("body");
                      await(sleep(ZERO));
                      steps.add("after the first suspension");
                      return null;
                    }));
            return "ok";
          } catch (TimeoutException e) {
            return "timeout after " + String.join(", ", steps);
          }
        },
        loop);
  }

  private static String waitForAStageNeverDone(EventLoop loop) throws Exception {
    return runInForeground(
        () -> {
          try {
            return await(waitFor(() -> await(new CompletableFuture<String>()), ofSeconds(1)));
          } catch (TimeoutException e) {
            return "timeout";
          }
        },
        loop);
  }

  @Test
  void aReplyAtTheDeadlineMeetsItAsUnderAsyncio() throws Exception {
    List<String> asyncio = AsyncioReference.printedBy("/timers/deadlines.py");
    Duration justBefore = ofMillis(999);
    Duration at = ofSeconds(1);
    run("wait_for a reply at 0.999", loop -> waitForAReply(loop, justBefore));
    run("wait_for a reply at 1.0", loop -> waitForAReply(loop, at));
    run(
        "wait_for a reply at 0.999 scheduled first",
        loop -> waitForAReplyScheduledFirst(loop, justBefore));
    run("wait_for a reply at 1.0 scheduled first", loop -> waitForAReplyScheduledFirst(loop, at));
    run(
        "wait_for a reply at 1.0 scheduled an iteration earlier",
        loop -> waitForAReplyScheduledAnIterationEarlier(loop, at));
    run("timeout around a sleep of 0.999", loop -> timeoutAroundASleep(loop, justBefore));
    run("timeout around a sleep of 1.0", loop -> timeoutAroundASleep(loop, at));
    run("timeout_at around a sleep of 0.999", loop -> timeoutAtAroundASleep(loop, justBefore));
    run("timeout_at around a sleep of 1.0", loop -> timeoutAtAroundASleep(loop, at));
    run("wait with a reply at 0.999", loop -> waitWithTimeout(loop, justBefore));
    run("wait with a reply at 1.0", loop -> waitWithTimeout(loop, at));
    run("timeout_at now", VirtualClockDeadlinesTest::timeoutAtNow);
    run("wait_for a future never done", VirtualClockDeadlinesTest::waitForAStageNeverDone);
    assertThat(lines).containsExactlyElementsOf(asyncio);
  }
}
