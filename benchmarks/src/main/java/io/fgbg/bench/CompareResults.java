package io.fgbg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The results file that {@code bin/bench-compare} writes, read back: its header ({@code # key:
 * value} lines: the machine, the versions, the sizes, the load) and, per workload and metric, the
 * figure of each launch of each system, in the order they ran.
 *
 * <p>The file is tab-separated, one launch's figure a line, after a column line:
 *
 * <pre>
 * # date: 2026-12-01 12:40
 * workload	metric	unit	better	system	launch	value
 * W1	task switch	ns/switch	lower	fgbg	1	162.3
 * W1	task switch	ns/switch	lower	asyncio	1	1738.2
 * </pre>
 *
 * <p>{@code better} is {@code lower} for a cost (time, memory) and {@code higher} for a rate. The
 * JVM peers ({@code vthreads}, plain JDK virtual threads; {@code netty}, Netty on one event-loop
 * thread; {@code kotlin}, Kotlin coroutines in {@code runBlocking}'s event loop) have figures only on the workloads they apply to; a file written before they were
 * measured has none, and reads the same as it always did.
 * Built and read by one thread (the report's main thread); immutable once read.
 */
final class CompareResults {
  static final String FGBG = "fgbg";
  static final String ASYNCIO = "asyncio";
  static final String VTHREADS = "vthreads";
  static final String NETTY = "netty";
  static final String KOTLIN = "kotlin";
  /** Every system, in the order of the report's columns. */
  static final List<String> SYSTEMS = List.of(FGBG, ASYNCIO, "uvloop", VTHREADS, NETTY, KOTLIN);
  /** The JVM peers: what a Java user would pick instead of fgbg. */
  static final List<String> JVM_PEERS = List.of(VTHREADS, NETTY, KOTLIN);
  private static final String COLUMNS = "workload\tmetric\tunit\tbetter\tsystem\tlaunch\tvalue";

  /** One workload's metric: what it measures and each system's figures. */
  record Metric(
      String workload, String name, String unit, boolean lowerIsBetter, Map<String, double[]> values) {
    /** The figures of {@code system}, or none. */
    double[] of(String system) {
      return values.getOrDefault(system, new double[0]);
    }

    boolean has(String system) {
      return of(system).length > 0;
    }

    double median(String system) {
      return Figures.median(of(system));
    }

    double min(String system) {
      return java.util.Arrays.stream(of(system)).min().orElseThrow();
    }

    double max(String system) {
      return java.util.Arrays.stream(of(system)).max().orElseThrow();
    }

    /**
     * How many times better than {@code peer} a figure {@code v} is: {@code v / peer's median}
     * for a rate, {@code peer's median / v} for a cost (above 1: better than the peer).
     */
    double advantage(double v, String peer) {
      double p = median(peer);
      return lowerIsBetter ? p / v : v / p;
    }

    /**
     * The JVM peer with the better median on this metric (the first of {@link
     * CompareResults#JVM_PEERS} if they are level), or empty if no JVM peer has a figure on it.
     */
    Optional<String> bestJvmPeer() {
      String best = null;
      for (String peer : JVM_PEERS) {
        if (has(peer) && (best == null || isBetter(median(peer), median(best)))) {
          best = peer;
        }
      }
      return Optional.ofNullable(best);
    }

    /** Whether figure {@code v} is strictly better than {@code w}, on this metric's sense. */
    boolean isBetter(double v, double w) {
      return lowerIsBetter ? v < w : v > w;
    }

    String title() {
      return workload + " " + name;
    }

    String direction() {
      return lowerIsBetter ? "lower is better" : "higher is better";
    }
  }

  final Map<String, String> header;
  final List<Metric> metrics;

  private CompareResults(Map<String, String> header, List<Metric> metrics) {
    this.header = header;
    this.metrics = metrics;
  }

  /** The header's value for {@code key}, or {@code fallback}. */
  String get(String key, String fallback) {
    return header.getOrDefault(key, fallback);
  }

  /** Whether the run was a smoke run ({@code --quick}): its figures are not to be quoted. */
  boolean isSmokeRun() {
    return get("mode", "").startsWith("quick");
  }

  /** Which of {@link #SYSTEMS} have a figure anywhere, in that order. */
  List<String> systems() {
    List<String> present = new ArrayList<>();
    for (String system : SYSTEMS) {
      if (metrics.stream().anyMatch(m -> m.has(system))) {
        present.add(system);
      }
    }
    return present;
  }

  /** Whether a JVM peer has a figure anywhere. */
  boolean hasJvmPeers() {
    return !jvmPeers().isEmpty();
  }

  /** Which of {@link #JVM_PEERS} have a figure anywhere, in that order. */
  List<String> jvmPeers() {
    return systems().stream().filter(JVM_PEERS::contains).toList();
  }

  /**
   * Reads a results file.
   *
   * @throws IOException if it cannot be read, or a line is not of the form above
   */
  static CompareResults read(Path file) throws IOException {
    Map<String, String> header = new LinkedHashMap<>();
    Map<String, Metric> metrics = new LinkedHashMap<>();
    Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();
    int number = 0;
    for (String line : Files.readAllLines(file)) {
      number++;
      if (line.isBlank() || line.equals(COLUMNS)) {
        continue;
      }
      if (line.startsWith("#")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          header.put(line.substring(1, colon).trim(), line.substring(colon + 1).trim());
        }
        continue;
      }
      String[] f = line.split("\t");
      if (f.length != 7 || !(f[3].equals("lower") || f[3].equals("higher"))) {
        throw new IOException(file + ":" + number + ": not a results line: " + line);
      }
      String key = f[0] + "\t" + f[1];
      metrics.computeIfAbsent(
          key, k -> new Metric(f[0], f[1], f[2], f[3].equals("lower"), new LinkedHashMap<>()));
      try {
        figures
            .computeIfAbsent(key, k -> new LinkedHashMap<>())
            .computeIfAbsent(f[4], s -> new ArrayList<>())
            .add(Double.parseDouble(f[6]));
      } catch (NumberFormatException e) {
        throw new IOException(file + ":" + number + ": not a figure: " + f[6], e);
      }
    }
    List<Metric> all = new ArrayList<>();
    for (Map.Entry<String, Metric> e : metrics.entrySet()) {
      Metric m = e.getValue();
      figures.get(e.getKey()).forEach(
          (system, values) ->
              m.values().put(system, values.stream().mapToDouble(Double::doubleValue).toArray()));
      all.add(m);
    }
    return new CompareResults(header, List.copyOf(all));
  }
}
