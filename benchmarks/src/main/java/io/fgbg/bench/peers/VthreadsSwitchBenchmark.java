package io.fgbg.bench.peers;

import io.fgbg.bench.Figures;

/**
 * W1 of {@code bin/bench-compare} on plain JDK virtual threads, without fgbg: two virtual threads
 * hand a baton to each other {@code n} times each, the same number of switches as {@link
 * io.fgbg.bench.SwitchBenchmark}'s two yielding tasks, in the same order: warm-up rounds, then
 * measured rounds, each timed from starting the pair to both having finished, {@code 2n}
 * switches a round.
 *
 * <p>The baton is {@link BareBaton}, the one {@code SwitchBenchmark} times too: a volatile owner
 * field. A thread that has it hands it on (sets the owner to the other thread and {@code
 * LockSupport.unpark}s it), then waits for it to come back: it spins
 * briefly with {@link Thread#onSpinWait()} (100 times, the budget fgbg's loop spins when a task's
 * step is next), then parks. That is the hand-off at its best for a user who writes it by hand:
 * a spin catches the partner when both run on carriers at once, a park costs no core otherwise.
 *
 * <p>Same arguments and output as {@code SwitchBenchmark}'s first line, so the runner reads both
 * alike: the median of the measured rounds in nanoseconds per switch, then every round as a
 * comment:
 *
 * <pre>
 * vthreads 301.5
 * # n 200000, warm-up rounds 3, measured rounds 5
 * # vthreads rounds 300.2 301.5 310.0 298.7 305.1
 * </pre>
 *
 * <p>By hand: {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/peers.classpath)
 * io.fgbg.bench.peers.VthreadsSwitchBenchmark [n [warmup [rounds]]]} (defaults 200000 3 5).
 * The main thread starts and joins each round's pair; only the thread that holds the baton
 * writes its owner field.
 */
public final class VthreadsSwitchBenchmark {
  private VthreadsSwitchBenchmark() {}

  private static final String USAGE = "VthreadsSwitchBenchmark [n [warmup [rounds]]]  (defaults 200000 3 5)";

  /**
   * Runs the benchmark. Blocks the calling thread until every round has run.
   *
   * @param args {@code [n [warmup [rounds]]]}: hand-offs per thread, warm-up rounds, measured rounds
   * @throws InterruptedException if the main thread is interrupted while it joins a round's pair
   */
  public static void main(String[] args) throws InterruptedException {
    int[] values =
        Figures.positives(
            args, "VthreadsSwitchBenchmark", USAGE, new String[] {"n", "warmup", "rounds"},
            200_000, 3, 5);
    int n = values[0];
    double[] perSwitch =
        Figures.measure(values[1], values[2], () -> BareBaton.round(n, BareBaton.SPINS) / (2.0 * n));
    System.out.println("vthreads " + Figures.format(Figures.median(perSwitch)));
    System.out.println(
        "# n " + n + ", warm-up rounds " + values[1] + ", measured rounds " + values[2]);
    System.out.println("# vthreads rounds " + Figures.formatAll(perSwitch));
  }
}
