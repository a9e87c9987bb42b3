package io.fgbg;

import static io.fgbg.Fgbg.allTasks;
import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A loop that once held a burst of tasks does not keep tables sized for the burst: once the job
 * table or the timer heap holds an eighth of its peak or less, it is made anew for what is left,
 * with the same jobs in the same order and the same timers firing in the same order.
 */
class LoopTablesShrinkTest extends LoopTestSupport {
  private static final int BURST = 4096;

  @Test
  void afterABurstTheJobTableAndTheTimerHeapAreMadeForWhatIsLeft() throws Exception {
    List<Task<Integer>> tasks = new ArrayList<>();
    List<Integer> woke = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      int n = i;
      tasks.add(
          scheduleCoroutine(
              () -> {
                await(sleep(Duration.ofMillis(1 + n))); // task n wakes at n + 1 ms
                woke.add(n);
                return n;
              }));
    }
    runInForeground(sleep(Duration.ZERO)); // every task has started and sleeps
    assertThat(loop.jobs.pendingPeak()).isGreaterThanOrEqualTo(BURST);
    assertThat(loop.sources.timersPeak()).isGreaterThanOrEqualTo(BURST);

    runInForeground(sleep(Duration.ofMillis(3600))); // tasks 0..3599 wake, 496 are left

    assertThat(woke).hasSize(3600);
    assertThat(loop.jobs.pendingPeak()).isBetween(BURST - 3600, BURST / 8 + 2);
    assertThat(loop.sources.timersPeak()).isBetween(BURST - 3600, BURST / 8 + 2);
    List<Task<Integer>> left = tasks.subList(3600, BURST);
    assertThat(allTasks()).containsExactlyElementsOf(left); // the jobs still in number order

    assertThat(runInForeground(gather(tasks))).hasSize(BURST);
    for (int i = 0; i < BURST; i++) {
      assertThat(woke.get(i)).as("the %dth to wake", i).isEqualTo(i); // timers still in order
    }
  }
}
