package io.fgbg.bench;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.sleep;

import io.fgbg.EventLoop;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@code callSoonThreadsafe} flood: {@code posters} platform threads post empty callbacks as
 * fast as they can for {@code seconds} while the loop runs a task that sleeps 10 ms at a time.
 * Prints how many of those sleeps completed (a loop that keeps its timers running completes about
 * 100 a second), the longest, how many posts were made and run, and how many were left unrun at
 * the end (the backlog, which fgbg bounds). A loop that starves stops completing sleeps; a
 * watchdog then reports it and exits 1 after 20 s.
 *
 * <p>Usage: {@code java -cp core/target/classes:benchmarks/target/classes
 * io.fgbg.bench.FloodBenchmark [posters] [seconds]} (default 16 posters, 3 s).
 *
 * <p>Threads: the posters touch only the loop's {@code callSoonThreadsafe} and two atomics; the
 * loop's callbacks and the task write {@code ran}, {@code ticks} and {@code worst}, read by the
 * main thread once the run has returned.
 */
public final class FloodBenchmark {
  private FloodBenchmark() {}

  /**
   * Runs the flood and prints one line of figures.
   *
   * @param args posters and seconds
   * @throws Exception if the run fails
   */
  public static void main(String[] args) throws Exception {
    int posters = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    EventLoop loop = EventLoop.create();
    loop.setJobNotices(false);
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicLong posted = new AtomicLong();
    long[] ran = {0};
    int[] ticks = {0};
    long[] worst = {0};
    for (int i = 0; i < posters; i++) {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                while (flooding.get()) {
                  loop.callSoonThreadsafe(() -> ran[0]++);
                  posted.incrementAndGet();
                }
              });
    }
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    Thread.sleep(seconds * 1000L + 20_000);
                  } catch (InterruptedException e) {
                    return;
                  }
                  System.out.println("flood: the loop starved: " + ticks[0] + " sleeps completed");
                  System.exit(1);
                });
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    runInForeground(
        () -> {
          while (System.nanoTime() < end) {
            long start = System.nanoTime();
            await(sleep(Duration.ofMillis(10)));
            worst[0] = Math.max(worst[0], System.nanoTime() - start);
            ticks[0]++;
          }
          return null;
        },
        loop);
    flooding.set(false);
    watchdog.interrupt();
    long made = posted.get();
    System.out.printf(
        Locale.ROOT,
        "flood: %d posters for %d s: %d sleeps of 10 ms completed (longest %.1f ms); %d posts made,"
            + " %d run during the run, %d left unrun%n",
        posters,
        seconds,
        ticks[0],
        worst[0] / 1e6,
        made,
        ran[0],
        made - ran[0]);
    System.exit(0);
  }
}
