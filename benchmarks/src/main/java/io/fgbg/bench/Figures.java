package io.fgbg.bench;

import java.util.Arrays;
import java.util.Locale;

/** What the benchmarks share: medians, the figures' format, and checked arguments. */
final class Figures {
  private Figures() {}

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  static String format(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  static String formatAll(double[] values) {
    StringBuilder out = new StringBuilder();
    for (double v : values) {
      out.append(out.isEmpty() ? "" : " ").append(format(v));
    }
    return out.toString();
  }

  /**
   * {@code arg} as a positive integer; else prints {@code usage} with the problem and exits with
   * status 2.
   */
  static int positive(String arg, String name, String program, String usage) {
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
