package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a waiting task keeps: a parked virtual thread holds every frame of its stack, a hundred
 * bytes or so each while they are interpreted, in every one of a server's idle connections or a
 * program's sleeping tasks (BENCHMARKS.md, W2). Between the task's body and the park there are
 * only fgbg's own few frames, and below the body only the thread's entry: the dispatch loop that
 * ran while the task was away has returned before the task parks.
 */
class SuspendedTaskStackTest extends LoopTestSupport {

  /** The frames of fgbg's own classes on {@code thread}'s stack, innermost first. */
  private static List<String> fgbgFrames(Thread thread) {
    List<String> frames = new ArrayList<>();
    for (StackTraceElement e : thread.getStackTrace()) {
      String c = e.getClassName();
      if (c.startsWith("io.fgbg.") && !c.startsWith("io.fgbg.SuspendedTaskStackTest")) {
        frames.add(c.substring("io.fgbg.".length()) + "." + e.getMethodName());
      }
    }
    return frames;
  }

  private static int depth(Thread thread) {
    return thread.getStackTrace().length;
  }

  @Test
  void aSleepingTaskKeepsFiveFramesOfFgbgAboveItsBodyAndOneBelow() throws Exception {
    CoroutineTask<?> sleeper =
        (CoroutineTask<?>)
            scheduleCoroutine(
                () -> {
                  await(sleep(Duration.ofSeconds(60)));
                  return null;
                });
    runInForeground(sleep(Duration.ZERO)); // its first step: it parks in the sleep
    assertThat(fgbgFrames(sleeper.thread))
        .containsExactly(
            "Baton.await",
            "CoroutineTask.suspend",
            "CoroutineTask.suspendOn",
            "CoroutineTask.sleep",
            "Fgbg.await",
            "Dispatcher$TaskThread.run");
    sleeper.cancel();
    runInForeground(sleep(Duration.ZERO));
  }

  @Test
  void aTaskParkedAtASwitchHasTheStackOfOneParkedAtItsFirstStep() throws Exception {
    // The common switch (a yield handing the baton to a task that is waiting for it) and the
    // first step's hand-off (starting the next task's thread) both return before the task parks.
    List<Thread> threads = new ArrayList<>();
    Coroutine<Void> yieldThenSleep =
        () -> {
          threads.add(Thread.currentThread());
          await(sleep(Duration.ZERO));
          await(sleep(Duration.ofSeconds(60)));
          return null;
        };
    Task<?> a = scheduleCoroutine(yieldThenSleep);
    Task<?> b = scheduleCoroutine(yieldThenSleep);
    runInForeground(sleep(Duration.ZERO));
    runInForeground(sleep(Duration.ZERO));
    runInForeground(sleep(Duration.ZERO));
    assertThat(threads).hasSize(2);
    assertThat(Arrays.asList(fgbgFrames(threads.get(0)), fgbgFrames(threads.get(1))))
        .allSatisfy(frames -> assertThat(frames).first().isEqualTo("Baton.await"))
        .allSatisfy(frames -> assertThat(frames).hasSize(6));
    assertThat(depth(threads.get(0))).isEqualTo(depth(threads.get(1)));
    a.cancel();
    b.cancel();
    runInForeground(sleep(Duration.ZERO));
  }
}
