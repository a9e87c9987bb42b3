package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Scheduling order: FIFO ready work, timers by deadline then creation, foreground runs. */
class SchedulingTest extends LoopTestSupport {

  private Coroutine<Void> steps(String name, int count) {
    return () -> {
      for (int i = 0; i < count; i++) {
        log(name + i);
        await(sleep(ZERO));
      }
      log(name + "-done");
      return null;
    };
  }

  @Test
  void readyTasksRunInTheOrderTheyWereScheduled() throws Exception {
    Task<Void> a = scheduleCoroutine(steps("a", 2));
    scheduleCoroutine(steps("b", 1));
    scheduleCoroutine(steps("c", 2));
    runInForeground(a);
    // three iterations; the run ends with the iteration in which a finished, c's step included
    assertThat(events)
        .containsExactly("a0", "b0", "c0", "a1", "b-done", "c1", "a-done", "c-done");
  }

  @Test
  void aScheduledCoroutineDoesNotStartBeforeTheLoopRuns() throws Exception {
    Task<Void> a = scheduleCoroutine(steps("a", 1));
    assertThat(events).isEmpty();
    assertThat(a.isDone()).isFalse();
    runInForeground(a);
    assertThat(events).containsExactly("a0", "a-done");
  }

  @Test
  void theForegroundCoroutineStartsAheadOfWhatIsAlreadyReady() throws Exception {
    scheduleCoroutine(steps("bg", 3));
    runInForeground(steps("fg", 1));
    assertThat(events).containsExactly("fg0", "bg0", "fg-done");
  }

  @Test
  void aRunStopsAtTheEndOfTheIterationInWhichItsTaskFinished() throws Exception {
    Task<Void> first = scheduleCoroutine(steps("x", 0));
    scheduleCoroutine(steps("y", 3));
    runInForeground(first);
    // x finished in the first iteration; y's first step was in that iteration too
    assertThat(events).containsExactly("x-done", "y0");
  }

  @Test
  void runInForegroundOfADoneTaskReturnsAtOnceWithoutRunningTheLoop() throws Exception {
    Task<String> done = scheduleCoroutine(() -> "result");
    assertThat(runInForeground(done)).isEqualTo("result");
    scheduleCoroutine(steps("waiting", 1));
    assertThat(runInForeground(done)).isEqualTo("result");
    assertThat(events).as("the loop did not run").isEmpty();
  }

  @Test
  void timersFireInDeadlineOrderAndTiesInSchedulingOrder() throws Exception {
    loop.callLater(ofMillis(30), () -> log("30ms"));
    loop.callLater(ofMillis(10), () -> log("10ms-first"));
    loop.callLater(ofMillis(20), () -> log("20ms"));
    loop.callLater(ofMillis(10), () -> log("10ms-second"));
    loop.callLater(Duration.ofMillis(-5), () -> log("negative-is-now"));
    runInForeground(sleep(ofMillis(50)));
    assertThat(events)
        .containsExactly("negative-is-now", "10ms-first", "10ms-second", "20ms", "30ms");
  }

  @Test
  void sleepingTasksWakeInDeadlineOrderOnTheLoopsClock() throws Exception {
    for (int delay : new int[] {3, 1, 2}) {
      scheduleCoroutine(
          () -> {
            await(sleep(ofSeconds(delay)));
            log(delay + "s at " + loop.time().toSeconds());
            return null;
          });
    }
    runInForeground(sleep(ofSeconds(5)));
    assertThat(events).containsExactly("1s at 1", "2s at 2", "3s at 3");
    assertThat(loop.time()).isEqualTo(ofSeconds(5));
  }

  @Test
  void sleepReturnsTheGivenResult() throws Exception {
    assertThat(runInForeground(sleep(ofSeconds(1), "later"))).isEqualTo("later");
    assertThat(runInForeground(sleep(ZERO, 7))).isEqualTo(7);
  }

  @Test
  void callSoonCallbacksRunInFifoOrderBetweenTaskSteps() throws Exception {
    scheduleCoroutine(steps("t", 1));
    loop.callSoon(() -> log("cb1"));
    loop.callSoon(() -> log("cb2")).cancel();
    loop.callSoon(() -> log("cb3"));
    runInForeground(sleep(ZERO));
    assertThat(events).containsExactly("t0", "cb1", "cb3");
  }

  @Test
  void aFailingCallbackIsReportedAndTheLoopGoesOn() throws Exception {
    loop.callSoon(
        () -> {
          throw new IllegalStateException("callback failure for the test");
        });
    loop.callSoon(() -> log("after"));
    runInForeground(sleep(ZERO));
    assertThat(events).containsExactly("after");
  }

  @Test
  void doneCallbacksRunOnTheLoopInTheOrderAdded() throws Exception {
    Task<Integer> task = scheduleCoroutine(() -> 5);
    task.addDoneCallback(t -> log("first " + t.name()));
    task.addDoneCallback(t -> log("second"));
    runInForeground(task);
    assertThat(events).as("scheduled with callSoon: not yet run").isEmpty();
    runInForeground(sleep(ZERO));
    assertThat(events).containsExactly("first " + task.name(), "second");
    task.addDoneCallback(t -> log("added when done"));
    runInForeground(sleep(ZERO));
    assertThat(events).endsWith("added when done");
  }

  @Test
  void awaitingADoneTaskDoesNotYield() throws Exception {
    Task<String> done = scheduleCoroutine(() -> "ready");
    runInForeground(done);
    scheduleCoroutine(steps("other", 1));
    runInForeground(
        () -> {
          log("before");
          log(await(done));
          log("after");
          await(sleep(ZERO));
          return null;
        });
    assertThat(events).startsWith("before", "ready", "after", "other0");
  }

  @Test
  void aTaskResumesOneHopAfterTheTaskItAwaitsCompletes() throws Exception {
    Task<String> inner =
        scheduleCoroutine(
            () -> {
              log("inner");
              return "value";
            });
    scheduleCoroutine(steps("bystander", 2));
    runInForeground(
        () -> {
          String v = await(inner);
          log("outer got " + v);
          return null;
        });
    // iteration 1: inner finishes, bystander0; iteration 2: outer wakes, then bystander1
    assertThat(events).containsExactly("inner", "bystander0", "outer got value", "bystander1");
  }

  @Test
  void namesCountUpPerLoop() {
    Task<Void> a = scheduleCoroutine(() -> null);
    Task<Void> b = scheduleCoroutine(() -> null);
    assertThat(a.name()).isEqualTo("Task-1");
    assertThat(b.name()).isEqualTo("Task-2");
    assertThat(a.toString()).isEqualTo("Task[Task-1, pending]");
  }

  @Test
  void insideATaskTheCurrentLoopIsTheTasksLoop() throws Exception {
    EventLoop other = EventLoop.create();
    try {
      EventLoop seen = Fgbg.runInForeground(() -> EventLoop.current(), other);
      assertThat(seen).isSameAs(other);
      assertThat(EventLoop.current()).isSameAs(loop);
    } finally {
      other.close();
    }
  }

  @Test
  void currentTaskIsTheRunningTaskAndNullOutside() throws Exception {
    assertThat(Fgbg.currentTask()).isNull();
    Task<?>[] seen = new Task<?>[2];
    Task<Void> task =
        scheduleCoroutine(
            () -> {
              seen[0] = Fgbg.currentTask();
              loop.callSoon(() -> seen[1] = Fgbg.currentTask());
              await(sleep(ZERO));
              return null;
            });
    runInForeground(task);
    assertThat(seen[0]).isSameAs(task);
    assertThat(seen[1]).as("a callback runs outside any task").isNull();
  }
}
