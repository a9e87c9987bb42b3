package io.fgbg.bench;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;

import io.fgbg.Coroutine;
import io.fgbg.EventLoop;
import io.fgbg.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * W2 of {@code bin/bench-compare}: many tasks that each sleep, gathered. Schedules {@code tasks}
 * coroutines that each {@code await(sleep(ms))} and waits for all of them in the foreground with
 * {@code gather}: the workload {@code benchmarks/python/many.py} runs on asyncio. One launch, one
 * round, no warm-up: {@code bin/bench-compare} times the whole process from the outside, JVM start
 * included, as a user's program would run. It prints, for scripts, what it measured inside
 * (scheduling and the gather, in ms) and the peak resident set size at the end (VmHWM, in KiB):
 *
 * <pre>
 * fgbg 231.4
 * rss_kib 412345
 * </pre>
 *
 * <p>By hand: {@code java -cp core/target/classes:benchmarks/target/classes
 * io.fgbg.bench.ManyTasksBenchmark [tasks [ms]]} (defaults 100000 tasks, 10 ms). The main thread
 * is the only one that touches the loop outside its run.
 */
public final class ManyTasksBenchmark {
  private ManyTasksBenchmark() {}

  private static final String USAGE = "ManyTasksBenchmark [tasks [ms]]  (defaults 100000 10)";

  /**
   * Runs the workload once.
   *
   * @param args {@code [tasks [ms]]}
   * @throws Exception if the workload fails
   */
  public static void main(String[] args) throws Exception {
    int[] values =
        Figures.positives(args, "ManyTasksBenchmark", USAGE, new String[] {"tasks", "ms"}, 100_000, 10);
    int tasks = values[0];
    Duration delay = Duration.ofMillis(values[1]);

    EventLoop.current().setJobNotices(false);
    long start = System.nanoTime();
    Coroutine<Void> sleeper =
        () -> {
          await(sleep(delay));
          return null;
        };
    List<Task<Void>> all = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      all.add(scheduleCoroutine(sleeper));
    }
    runInForeground(gather(all));
    double elapsedMs = (System.nanoTime() - start) / 1e6;
    EventLoop.current().close();

    System.out.println("fgbg " + Figures.format(elapsedMs));
    System.out.println("rss_kib " + Figures.peakRssKib());
  }
}
