package io.fgbg.bench;

import io.fgbg.bench.CompareResults.Metric;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code bin/bench-compare} prints and writes from its results file: for each workload and
 * system the median, the spread (min-max) and the ratios fgbg/peer, with fgbg's ratio to the
 * best of the JVM peers (vthreads, netty, kotlin) on that workload, as text on standard output, as a
 * Markdown table fragment (which BENCHMARKS.md includes) and as an SVG chart ({@link
 * CompareChart}). A JVM peer that does not apply to a workload reads "n/a" in its cells.
 *
 * <pre>
 * java -cp core/target/classes:benchmarks/target/classes io.fgbg.bench.CompareReport \
 *     results.tsv chart.svg table.md [chart-link]
 * </pre>
 *
 * <p>The Markdown links the chart by {@code chart-link} (default: the SVG's path as given), which
 * is relative to the folder of the page that includes the fragment. Runs on its main thread
 * alone.
 */
public final class CompareReport {
  private CompareReport() {}

  /**
   * Prints the summary and writes the chart and the table.
   *
   * @param args the results file, the SVG to write, the Markdown to write, and how the Markdown
   *     links the chart (default: the SVG's path as given)
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 3 || args.length > 4) {
      System.err.println("usage: CompareReport RESULTS.tsv CHART.svg TABLE.md [CHART-LINK]");
      System.exit(2);
    }
    CompareResults results = CompareResults.read(Path.of(args[0]));
    // UTF-8 whatever the locale: the units have a µ
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    out.print(text(results));
    Files.writeString(Path.of(args[1]), CompareChart.svg(results));
    Files.writeString(Path.of(args[2]), markdown(results, args[0], args.length > 3 ? args[3] : args[1]));
  }

  /**
   * The summary: per metric, one line per system that has figures on it, with the ratios against
   * fgbg; the better JVM peer's line says so.
   */
  static String text(CompareResults results) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-12s %12s %24s   %s%n", "", "median", "min-max", "fgbg/peer"));
    for (Metric m : results.metrics) {
      out.append(m.title()).append(" (").append(m.unit()).append(", ").append(m.direction()).append(")\n");
      String best = m.bestJvmPeer().orElse("");
      for (String system : CompareResults.SYSTEMS) {
        if (!m.has(system)) {
          continue;
        }
        String spread = number(m.min(system)) + "-" + number(m.max(system));
        String ratio = "";
        if (!system.equals(CompareResults.FGBG) && m.has(CompareResults.FGBG)) {
          ratio = ratio(m, system) + "  (" + verdict(m, system) + ")";
          if (system.equals(best)) {
            ratio += "  best JVM peer";
          }
        }
        out.append(
            String.format(
                Locale.ROOT, "  %-10s %12s %24s   %s%n", system, number(m.median(system)), spread, ratio));
      }
    }
    return out.toString();
  }

  /**
   * The Markdown fragment: what ran where, the table, the chart. The table has a column per
   * system, a ratio column per peer other than the JVM peers, and, if a JVM peer ran, one column
   * for fgbg's ratio to the better JVM peer of each row, named in the cell.
   */
  static String markdown(CompareResults results, String source, String chart) {
    List<String> systems = results.systems();
    boolean jvmPeers = results.hasJvmPeers();
    List<String> peers =
        systems.stream()
            .filter(s -> !s.equals(CompareResults.FGBG) && !CompareResults.JVM_PEERS.contains(s))
            .toList();
    int ratioColumns = peers.size() + (jvmPeers ? 1 : 0);
    StringBuilder out = new StringBuilder();
    out.append("<!-- written by bin/bench-compare from ").append(source).append(" -->\n");
    if (results.isSmokeRun()) {
      out.append(
          "\n**Smoke run (`--quick`, tiny sizes): these figures only show that the runner works; "
              + "replace them with a run at the default sizes.**\n");
    }
    out.append("\nRun of ").append(results.get("date", "?")).append(": ")
        .append(results.get("launches", "?")).append(" launches of each system, alternating; ")
        .append(results.get("mode", "?")).append(" sizes (").append(results.get("sizes", "?"))
        .append("); ").append(results.get("loaded", "machine not loaded by the runner")).append(".\n\n");
    out.append("Machine: ").append(results.get("machine", "?")).append("; load average ")
        .append(results.get("loadavg_start", "?")).append(" at the start, ")
        .append(results.get("loadavg_end", "?")).append(" at the end.\n\n");
    out.append("Versions: ").append(results.get("versions", "?")).append(".\n\n");
    if (!results.get("fgbg_flags", "").isEmpty()) {
      out.append("fgbg ran with the JVM flags `").append(results.get("fgbg_flags", ""))
          .append("`; every other JVM program without flags.\n\n");
    }
    if (!results.get("skipped", "").isEmpty()) {
      out.append("Skipped: ").append(results.get("skipped", "")).append(".\n\n");
    }
    out.append("| workload | unit | ").append(String.join(" | ", systems));
    peers.forEach(p -> out.append(" | fgbg / ").append(p));
    if (jvmPeers) {
      out.append(" | fgbg / best JVM peer");
    }
    out.append(" |\n|---|---|").append("--:|".repeat(systems.size() + ratioColumns)).append('\n');
    for (Metric m : results.metrics) {
      out.append("| ").append(m.title()).append(" | ").append(m.unit()).append(", ")
          .append(m.direction());
      for (String system : systems) {
        out.append(" | ");
        if (m.has(system)) {
          out.append(number(m.median(system))).append(" (").append(number(m.min(system)))
              .append("–").append(number(m.max(system))).append(')');
        } else {
          out.append(CompareResults.JVM_PEERS.contains(system) ? "n/a" : "–");
        }
      }
      for (String peer : peers) {
        out.append(" | ");
        out.append(m.has(peer) && m.has(CompareResults.FGBG) ? ratio(m, peer) + " (" + verdict(m, peer) + ")" : "–");
      }
      if (jvmPeers) {
        out.append(" | ");
        Optional<String> best = m.bestJvmPeer();
        if (best.isEmpty()) {
          out.append("n/a");
        } else if (!m.has(CompareResults.FGBG)) {
          out.append("–");
        } else {
          out.append(best.get()).append(": ").append(ratio(m, best.get())).append(" (")
              .append(verdict(m, best.get())).append(')');
        }
      }
      out.append(" |\n");
    }
    out.append("\nMedians of the launches, min–max in brackets. The ratio is fgbg's median over the "
        + "peer's; in brackets, how many times better or worse that is for fgbg.");
    if (jvmPeers) {
      out.append(" The best JVM peer is ").append(bestOf(results.jvmPeers()))
          .append(" on that row, named before its ratio; n/a: the peer has no program for that workload.");
    }
    out.append('\n');
    if (results.metrics.stream().anyMatch(m -> m.has(CompareResults.ASYNCIO))) {
      out.append("\n![").append(CompareChart.subject(results)).append(" relative to CPython asyncio](")
          .append(chart).append(")\n");
    }
    return out.toString();
  }

  /**
   * What the best JVM peer is chosen from, each peer described: "the better of vthreads (...) and
   * netty (...)" for two, "the best of vthreads (...), netty (...) and kotlin (...)" for three.
   */
  static String bestOf(List<String> peers) {
    List<String> described = peers.stream().map(p -> p + " (" + JVM_PEER_DESCRIPTIONS.get(p) + ")").toList();
    if (described.size() == 1) {
      return "the only one that ran, " + described.get(0);
    }
    String last = described.get(described.size() - 1);
    return (described.size() == 2 ? "the better of " : "the best of ")
        + String.join(", ", described.subList(0, described.size() - 1)) + " and " + last;
  }

  /** What each JVM peer is, in the table's note. */
  private static final Map<String, String> JVM_PEER_DESCRIPTIONS =
      Map.of(
          CompareResults.VTHREADS, "plain JDK virtual threads",
          CompareResults.NETTY, "Netty, one event-loop thread",
          CompareResults.KOTLIN, "Kotlin coroutines in runBlocking's event loop");

  /** fgbg's median over {@code peer}'s, to three significant digits. */
  static String ratio(Metric m, String peer) {
    return significant(m.median(CompareResults.FGBG) / m.median(peer));
  }

  /** "fgbg 10.7x better", "fgbg 1.5x worse" or "fgbg even", on the metric's own sense. */
  static String verdict(Metric m, String peer) {
    double advantage = m.advantage(m.median(CompareResults.FGBG), peer);
    if (significant(advantage).equals("1") || significant(1 / advantage).equals("1")) {
      return "fgbg even";
    }
    return advantage >= 1
        ? "fgbg " + significant(advantage) + "x better"
        : "fgbg " + significant(1 / advantage) + "x worse";
  }

  /** A figure: no decimals from 100 on (with thousands separators), else three digits. */
  static String number(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : significant(v);
  }

  static String significant(double v) {
    if (v == 0 || !Double.isFinite(v)) {
      return String.valueOf(v);
    }
    return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }
}
