package io.fgbg.bench.peers;

import io.fgbg.bench.Figures;
import java.io.IOException;

/**
 * W2 of {@code bin/bench-compare} on plain JDK virtual threads, without fgbg: starts {@code tasks}
 * virtual threads that each {@code Thread.sleep(ms)}, then joins them all, in the same order as
 * {@link io.fgbg.bench.ManyTasksBenchmark} schedules its sleeping tasks and gathers them. One
 * launch, one round, no warm-up: the runner times the whole process from the outside, JVM start
 * included. It prints the same two lines as {@code ManyTasksBenchmark}: what it measured inside
 * (starting the threads and joining them, in ms) and the peak resident set size at the end
 * (VmHWM, in KiB, read by {@link Figures#peakRssKib()}):
 *
 * <pre>
 * vthreads 180.2
 * rss_kib 301234
 * </pre>
 *
 * <p>By hand: {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/peers.classpath)
 * io.fgbg.bench.peers.VthreadsManyTasksBenchmark [tasks [ms]]} (defaults 100000 tasks, 10 ms).
 * Only the main thread touches the array of threads; each virtual thread only sleeps.
 */
public final class VthreadsManyTasksBenchmark {
  private VthreadsManyTasksBenchmark() {}

  private static final String USAGE = "VthreadsManyTasksBenchmark [tasks [ms]]  (defaults 100000 10)";

  /**
   * Runs the workload once. Blocks the calling thread until every sleeper has ended.
   *
   * @param args {@code [tasks [ms]]}
   * @throws InterruptedException if the main thread is interrupted while it joins
   * @throws IOException if the peak resident set size cannot be read
   */
  public static void main(String[] args) throws InterruptedException, IOException {
    int[] values =
        Figures.positives(
            args, "VthreadsManyTasksBenchmark", USAGE, new String[] {"tasks", "ms"}, 100_000, 10);
    long ms = values[1];
    Runnable sleeper =
        () -> {
          try {
            Thread.sleep(ms);
          } catch (InterruptedException e) {
            throw new IllegalStateException("a sleeper was interrupted", e);
          }
        };
    long start = System.nanoTime();
    Thread[] all = new Thread[values[0]];
    for (int i = 0; i < all.length; i++) {
      all[i] = Thread.ofVirtual().start(sleeper);
    }
    for (Thread t : all) {
      t.join();
    }
    double elapsedMs = (System.nanoTime() - start) / 1e6;

    System.out.println("vthreads " + Figures.format(elapsedMs));
    System.out.println("rss_kib " + Figures.peakRssKib());
  }
}
