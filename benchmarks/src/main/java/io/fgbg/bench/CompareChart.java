package io.fgbg.bench;

import io.fgbg.bench.CompareResults.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The chart of a {@code bin/bench-compare} run, as hand-written SVG: one group of horizontal bars
 * per workload and metric, one bar per system that has figures on it (a JVM peer only where it
 * applies), each showing how many times better than CPython
 * asyncio's median that system's median is (asyncio's figure over the system's for a cost, the
 * system's over asyncio's for a rate), on a log scale around asyncio's 1x, with the spread of the
 * launches (min to max, taken the same way) as a whisker, and the system's own median in
 * brackets after the factor. Right of 1x is better than asyncio.
 * A pure function of the results, called by {@link CompareReport}'s thread.
 */
final class CompareChart {
  private CompareChart() {}

  private static final int WIDTH = 880;
  private static final int LEFT = 310;
  private static final int RIGHT = 130;
  private static final int ROW = 20;
  private static final int BAR = 14;
  private static final int GROUP_GAP = 16;
  private static final int TOP = 112;
  /** One per system, in {@link CompareResults#SYSTEMS}' order. */
  private static final String[] COLOURS = {"#1f77b4", "#8c8c8c", "#ff7f0e", "#2ca02c", "#9467bd", "#d62728"};
  /** The legend's step from one system to the next, less when it takes more systems than fit. */
  private static final int LEGEND_STEP = 110;

  /**
   * Who the chart sets against asyncio: "fgbg and uvloop", "fgbg, uvloop, vthreads, netty and
   * kotlin".
   */
  static String subject(CompareResults results) {
    List<String> shown =
        results.systems().stream().filter(s -> !s.equals(CompareResults.ASYNCIO)).toList();
    if (shown.size() <= 1) {
      return String.join("", shown);
    }
    return String.join(", ", shown.subList(0, shown.size() - 1)) + " and " + shown.get(shown.size() - 1);
  }

  /** The systems with figures on {@code m}, one row each, at least two rows (title and unit). */
  private static int rows(Metric m, List<String> systems) {
    return Math.max(2, (int) systems.stream().filter(m::has).count());
  }

  /** The chart; a short SVG that says so if the results hold no asyncio figures. */
  static String svg(CompareResults results) {
    List<String> systems = results.systems();
    List<Metric> metrics =
        results.metrics.stream().filter(m -> m.has(CompareResults.ASYNCIO)).toList();
    if (metrics.isEmpty()) {
      return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"420\" height=\"40\">"
          + "<text x=\"10\" y=\"25\" font-family=\"sans-serif\" font-size=\"13\">"
          + "no asyncio figures in this run: nothing to chart against</text></svg>\n";
    }
    double[] domain = domain(metrics, systems);
    int plotBottom = TOP;
    for (Metric m : metrics) {
      plotBottom += rows(m, systems) * ROW + GROUP_GAP;
    }
    int height = plotBottom + 40;
    Scale x = new Scale(domain[0], domain[1], LEFT, WIDTH - RIGHT);

    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            + "font-family=\"sans-serif\">%n", WIDTH, height, WIDTH, height));
    out.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
    String title =
        subject(results) + " against CPython asyncio: times better than asyncio's median (log scale)";
    // one line within the width: the title of five systems or more is set a size smaller
    text(out, 10, 22, title.length() > 90 ? 13 : 15, "bold", "start", "#000", title);
    String run = results.get("date", "?") + ", " + results.get("launches", "?") + " launches each, "
        + results.get("mode", "?") + " sizes, " + results.get("loaded", "");
    String machine = results.get("machine", "") + "; load average "
        + results.get("loadavg_start", "?") + " at the start, " + results.get("loadavg_end", "?")
        + " at the end";
    text(out, 10, 42, 11, "normal", "start", "#444", run);
    text(out, 10, 57, 11, "normal", "start", "#444", machine);
    if (results.isSmokeRun()) {
      text(out, 10, 74, 12, "bold", "start", "#c00",
          "SMOKE RUN (--quick, tiny sizes): not a measurement to quote");
    }
    int step = Math.min(LEGEND_STEP, (WIDTH - LEFT - 10) / Math.max(1, systems.size()));
    for (int i = 0; i < systems.size(); i++) {
      int lx = LEFT + i * step;
      out.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"84\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", lx, colour(systems.get(i))));
      text(out, lx + 17, 94, 12, "normal", "start", "#000", systems.get(i));
    }

    for (double tick : ticks(domain[0], domain[1])) {
      double tx = x.at(tick);
      out.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>%n",
          tx, TOP - 6, tx, plotBottom, tick == 1 ? "#000" : "#ddd", tick == 1 ? "1.5" : "1"));
      text(out, tx, plotBottom + 16, 11, "normal", "middle", "#444", times(tick));
    }
    text(out, (LEFT + WIDTH - RIGHT) / 2.0, plotBottom + 32, 11, "normal", "middle", "#444",
        "left of 1x: worse than asyncio; right: better");

    int y = TOP;
    for (Metric m : metrics) {
      text(out, 10, y + 12, 13, "bold", "start", "#000", m.title());
      text(out, 10, y + 12 + ROW, 11, "normal", "start", "#555", m.unit() + ", " + m.direction());
      int row = 0;
      for (String system : systems) {
        if (m.has(system)) {
          bar(out, x, y + row++ * ROW, m, system);
        }
      }
      y += rows(m, systems) * ROW + GROUP_GAP;
    }
    out.append("</svg>\n");
    return out.toString();
  }

  /** One system's bar from 1x to its median's advantage, its whisker and its label. */
  private static void bar(StringBuilder out, Scale x, int top, Metric m, String system) {
    double median = m.advantage(m.median(system), CompareResults.ASYNCIO);
    double a = m.advantage(m.min(system), CompareResults.ASYNCIO);
    double b = m.advantage(m.max(system), CompareResults.ASYNCIO);
    double low = Math.min(a, b);
    double high = Math.max(a, b);
    double x1 = x.at(1);
    double xm = x.at(median);
    double mid = top + BAR / 2.0;
    // the system's name left of the plot: with a row only for the systems that ran the workload,
    // the colour alone would leave a reader counting rows
    text(out, LEFT - 8, top + BAR - 3, 11, "normal", "end", "#333", system);
    out.append(String.format(Locale.ROOT,
        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
        Math.min(x1, xm), top, Math.max(1, Math.abs(xm - x1)), BAR, colour(system)));
    out.append(String.format(Locale.ROOT,
        "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"#000\" fill=\"none\"/>%n",
        x.at(low), mid, x.at(high), x.at(low), mid - 4, mid + 4, x.at(high), mid - 4, mid + 4));
    text(out, Math.max(x.at(high), x1) + 6, top + BAR - 3, 11, "normal", "start", "#000",
        times(median) + " (" + CompareReport.number(m.median(system)) + ")");
  }

  /** The scale's ends: 1-2-5 values around every advantage and spread, and around 1. */
  private static double[] domain(List<Metric> metrics, List<String> systems) {
    double lo = 1;
    double hi = 1;
    for (Metric m : metrics) {
      for (String system : systems) {
        if (m.has(system)) {
          for (double v : new double[] {m.median(system), m.min(system), m.max(system)}) {
            double adv = m.advantage(v, CompareResults.ASYNCIO);
            lo = Math.min(lo, adv);
            hi = Math.max(hi, adv);
          }
        }
      }
    }
    List<Double> series = series(lo / 1.2, hi * 1.2);
    return new double[] {series.get(0), series.get(series.size() - 1)};
  }

  /** The 1-2-5 values from the largest at or below {@code lo} to the smallest at or above {@code hi}. */
  private static List<Double> series(double lo, double hi) {
    List<Double> all = new ArrayList<>();
    for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
      for (double step : new double[] {1, 2, 5}) {
        all.add(step * Math.pow(10, e));
      }
    }
    double first = all.stream().filter(v -> v <= lo).reduce((a, b) -> b).orElse(all.get(0));
    double last = all.stream().filter(v -> v >= hi).findFirst().orElse(all.get(all.size() - 1));
    return all.stream().filter(v -> v >= first && v <= last).toList();
  }

  private static List<Double> ticks(double lo, double hi) {
    return series(lo, hi).stream().filter(t -> t >= lo * 0.999 && t <= hi * 1.001).toList();
  }

  private static String colour(String system) {
    int i = CompareResults.SYSTEMS.indexOf(system);
    return COLOURS[i < 0 ? 1 : i];
  }

  private static String times(double v) {
    return CompareReport.significant(v) + "x";
  }

  private static void text(
      StringBuilder out, double x, double y, int size, String weight, String anchor, String fill, String s) {
    out.append(String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\" text-anchor=\"%s\" fill=\"%s\">%s</text>%n",
        x, y, size, weight, anchor, fill, escape(s)));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A log scale from {@code lo} at {@code left} to {@code hi} at {@code right}. */
  private record Scale(double lo, double hi, double left, double right) {
    double at(double v) {
      return left + (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) * (right - left);
    }
  }
}
