package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many tasks on one loop, and no thread left behind by close(). Real clock. */
class ScaleTest {

  @Test
  void aHundredThousandTasksEachSleepingTenMillisecondsAllComplete() throws Exception {
    EventLoop loop = EventLoop.create();
    try {
      int count = 100_000;
      int[] completed = {0};
      List<Task<Integer>> tasks = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int n = i;
        tasks.add(
            Fgbg.scheduleCoroutine(
                () -> {
                  await(sleep(ofMillis(10)));
                  completed[0]++;
                  return n;
                },
                loop));
      }
      WaitResult result = runInForeground(Fgbg.waitTasks(tasks), loop);
      assertThat(result.pending()).isEmpty();
      assertThat(completed[0]).isEqualTo(count);
      long sum = 0;
      for (Task<Integer> t : tasks) {
        sum += t.result();
      }
      assertThat(sum).isEqualTo((long) count * (count - 1) / 2);
      assertThat(Fgbg.allTasks(loop)).isEmpty();
    } finally {
      loop.close();
    }
  }

  @Test
  void afterCloseNoThreadTheLoopStartedIsAlive() throws Exception {
    EventLoop loop = EventLoop.create();
    EventLoop.setCurrent(loop);
    Set<Thread> started = ConcurrentHashMap.newKeySet();
    CountDownLatch callsRunning = new CountDownLatch(3);
    for (int i = 0; i < 50; i++) {
      scheduleCoroutine(
          () -> {
            started.add(Thread.currentThread());
            await(sleep(ofSeconds(60))); // still pending at close: cancelled then
            return null;
          });
      scheduleCoroutine(
          () -> {
            started.add(Thread.currentThread());
            return null; // done before close
          });
    }
    for (int i = 0; i < 3; i++) {
      callInBackground(
          () -> {
            started.add(Thread.currentThread());
            callsRunning.countDown();
            Thread.sleep(60_000); // interrupted by close
            return null;
          });
    }
    assertThat(callsRunning.await(10, TimeUnit.SECONDS)).isTrue();
    runInForeground(sleep(ofMillis(20)));
    assertThat(started).hasSizeGreaterThan(3);
    loop.close();
    EventLoop.setCurrent(null);
    for (Thread t : started) {
      assertThat(t.isAlive()).as("%s is alive after close()", t).isFalse();
    }
  }
}
