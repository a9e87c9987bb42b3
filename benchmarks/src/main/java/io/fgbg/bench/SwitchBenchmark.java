package io.fgbg.bench;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;

import io.fgbg.Coroutine;
import io.fgbg.EventLoop;
import io.fgbg.Task;
import io.fgbg.bench.peers.BareBaton;
import java.time.Duration;
import java.util.List;

/**
 * Measures what one task switch costs on an fgbg loop, next to the floor set by the JDK: two
 * virtual threads handing a baton to each other with {@code LockSupport.park} and {@code
 * LockSupport.unpark} ({@link BareBaton}).
 *
 * <p>The fgbg workload is the one asyncio users know: two background tasks each yield to the
 * loop {@code n} times ({@code await(sleep(Duration.ZERO))}), and the caller waits for both in
 * the foreground ({@code runInForeground(gather(...))}). Each yield is one switch, so the cost
 * per switch is the elapsed time over {@code 2n}. The bare baton does the same number of
 * hand-offs with nothing else around them. Both run in the same JVM, after a warm-up, in
 * alternating rounds (fgbg, bare, fgbg, bare, ...), so that what this launch's scheduler and JIT
 * happen to do weighs on both alike.
 *
 * <p>It prints one line per workload, the median of this JVM's rounds in nanoseconds per
 * switch, made for scripts:
 *
 * <pre>
 * fgbg 431.7
 * bare 338.2
 * spin 301.5
 * </pre>
 *
 * <p>followed by comment lines (starting with {@code #}) that list every round. One launch is not
 * enough: with the JDK's default virtual-thread scheduler, now and then a whole JVM runs every
 * switch several times slower. {@code bin/bench-switch} runs several launches, adds CPython
 * asyncio's figure and prints medians, spreads and ratios. To run one launch by hand:
 *
 * <pre>
 * ./mvnw -B -q -DskipTests package -pl benchmarks -am
 * java -cp core/target/classes:benchmarks/target/classes io.fgbg.bench.SwitchBenchmark [n [warmup [rounds]]]
 * </pre>
 *
 * <p>{@code n} is the number of yields per task (default 200000), {@code warmup} the number of
 * unmeasured rounds of each workload (default 3), {@code rounds} the number of measured ones
 * (default 5). It needs no JVM flags.
 */
public final class SwitchBenchmark {
  private SwitchBenchmark() {}

  private static final int DEFAULT_N = 200_000;
  private static final int DEFAULT_WARMUP = 3;
  private static final int DEFAULT_ROUNDS = 5;

  /**
   * Runs the benchmark.
   *
   * @param args {@code [n [warmup [rounds]]]}: yields per task, warm-up rounds, measured rounds
   * @throws Exception if a workload fails
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? positive(args[0], "n") : DEFAULT_N;
    int warmup = args.length > 1 ? positive(args[1], "warmup") : DEFAULT_WARMUP;
    int rounds = args.length > 2 ? positive(args[2], "rounds") : DEFAULT_ROUNDS;
    if (args.length > 3) {
      usage("too many arguments");
    }

    for (int i = 0; i < warmup; i++) {
      fgbgRound(n);
      BareBaton.round(n, 0);
      BareBaton.round(n, BareBaton.SPINS);
    }
    double[] fgbg = new double[rounds];
    double[] bare = new double[rounds];
    double[] spin = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      fgbg[i] = perSwitch(fgbgRound(n), n);
      bare[i] = perSwitch(BareBaton.round(n, 0), n);
      spin[i] = perSwitch(BareBaton.round(n, BareBaton.SPINS), n);
    }
    // Ends the loop of this thread as asyncio.run would: releases its threads.
    EventLoop.current().close();

    System.out.println("fgbg " + Figures.format(Figures.median(fgbg)));
    System.out.println("bare " + Figures.format(Figures.median(bare)));
    System.out.println("spin " + Figures.format(Figures.median(spin)));
    System.out.println("# n " + n + ", warm-up rounds " + warmup + ", measured rounds " + rounds);
    System.out.println("# fgbg rounds " + Figures.formatAll(fgbg));
    System.out.println("# bare rounds " + Figures.formatAll(bare));
    System.out.println("# spin rounds " + Figures.formatAll(spin));
  }

  /**
   * One round of the fgbg workload: two background tasks that each yield {@code n} times, awaited
   * together in the foreground.
   *
   * @return elapsed nanoseconds, from the start of the foreground run to its end
   */
  static long fgbgRound(int n) throws Exception {
    Coroutine<Void> yielder =
        () -> {
          for (int i = 0; i < n; i++) {
            await(sleep(Duration.ZERO));
          }
          return null;
        };
    Task<Void> first = scheduleCoroutine(yielder);
    Task<Void> second = scheduleCoroutine(yielder);
    long start = System.nanoTime();
    runInForeground(gather(List.of(first, second)));
    return System.nanoTime() - start;
  }

  private static double perSwitch(long elapsedNanos, int n) {
    return (double) elapsedNanos / (2.0 * n);
  }

  private static int positive(String arg, String name) {
    return Figures.positive(arg, name, "SwitchBenchmark", USAGE);
  }

  private static final String USAGE = "SwitchBenchmark [n [warmup [rounds]]]  (defaults 200000 3 5)";

  private static void usage(String problem) {
    System.err.println("SwitchBenchmark: " + problem);
    System.err.println("usage: " + USAGE);
    System.exit(2);
  }
}
