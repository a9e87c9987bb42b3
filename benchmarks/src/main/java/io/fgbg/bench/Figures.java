package io.fgbg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the benchmarks share: medians, the figures' format, the peak resident set size, the
 * rounds, and checked arguments. Static helpers without state, called from the benchmarks' main threads.
 * Public because the JVM peers of {@code bin/bench-compare} ({@code io.fgbg.bench.peers}) print
 * their figures with it too, so that every side's lines read alike. None of its methods suspends.
 */
public final class Figures {
  private Figures() {}

  /**
   * One round of a workload: its figure.
   *
   * @param <E> what a round may throw
   */
  @FunctionalInterface
  public interface Round<E extends Exception> {
    /**
     * Runs the round; blocks the calling thread until it is over.
     *
     * @return the round's figure
     * @throws E if the workload fails
     */
    double run() throws E;
  }

  /**
   * Runs {@code warmup} rounds whose figures are dropped, then {@code rounds} more, and returns
   * their figures in order: what every benchmark here measures. Blocks the calling thread.
   *
   * @param <E> what a round may throw
   * @throws E whatever a round throws, at once
   */
  public static <E extends Exception> double[] measure(int warmup, int rounds, Round<E> round)
      throws E {
    for (int i = 0; i < warmup; i++) {
      round.run();
    }
    double[] figures = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      figures[i] = round.run();
    }
    return figures;
  }

  /**
   * The median of {@code values} (the mean of the middle two for an even count).
   *
   * @throws ArrayIndexOutOfBoundsException if {@code values} is empty
   */
  public static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** {@code value} with one decimal, whatever the locale: {@code 431.7}. Throws nothing. */
  public static String format(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** Every value formatted as {@link #format} does, separated by spaces. Throws nothing. */
  public static String formatAll(double[] values) {
    StringBuilder out = new StringBuilder();
    for (double v : values) {
      out.append(out.isEmpty() ? "" : " ").append(format(v));
    }
    return out.toString();
  }

  /**
   * Prints {@code key median} (the line the bin/bench-* scripts read), then every value as a
   * comment: {@code # key rounds v1 v2 ...}.
   *
   * @throws ArrayIndexOutOfBoundsException if {@code values} is empty
   */
  public static void report(String key, double[] values) {
    System.out.println(key + " " + format(median(values)));
    System.out.println("# " + key + " rounds " + formatAll(values));
  }

  /**
   * The process's peak resident set size so far, in KiB: VmHWM of /proc/self/status, read the
   * same way as benchmarks/python/figures.py reads it for asyncio.
   *
   * @throws IOException if /proc/self/status cannot be read or has no VmHWM line
   */
  public static long peakRssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.substring("VmHWM:".length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException("no VmHWM in /proc/self/status");
  }

  /**
   * W3's line, the same on every side (benchmarks/python/echo.py sends the same bytes): 63 {@code
   * x} and a newline, 64 bytes. A new array each call. Throws nothing.
   */
  public static byte[] echoLine() {
    byte[] line = new byte[64];
    Arrays.fill(line, (byte) 'x');
    line[63] = '\n';
    return line;
  }

  /**
   * The positional arguments as positive integers, in {@code names}' order, each missing one
   * taking its default; with more arguments than names, or one that is not a positive integer,
   * prints {@code usage} and exits with status 2. Throws nothing.
   */
  public static int[] positives(String[] args, String program, String usage, String[] names, int... defaults) {
    if (args.length > names.length) {
      System.err.println(program + ": too many arguments");
      System.err.println("usage: " + usage);
      System.exit(2);
    }
    int[] values = defaults.clone();
    for (int i = 0; i < args.length; i++) {
      values[i] = positive(args[i], names[i], program, usage);
    }
    return values;
  }

  /**
   * {@code arg} as a positive integer; else prints {@code usage} with the problem and exits with
   * status 2. Throws nothing.
   */
  public static int positive(String arg, String name, String program, String usage) {
    try {
      int value = Integer.parseInt(arg.replace("_", ""));
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    System.err.println(program + ": " + name + " must be a positive integer, not \"" + arg + "\"");
    System.err.println("usage: " + usage);
    System.exit(2);
    return 0; // not reached
  }
}
