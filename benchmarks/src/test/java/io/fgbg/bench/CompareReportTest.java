package io.fgbg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fgbg.bench.CompareResults.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What bench-compare's report makes of a results file, with and without the JVM peers. */
class CompareReportTest {
  /**
   * A run recorded before the JVM peers were measured: a copy of it, kept with the tests, since
   * {@code --record} rewrites the results of its day.
   */
  private static final Path OLD_RUN = Path.of("src/test/resources/compare-before-jvm-peers.tsv");

  private static final String HEADER =
      """
      # date: 2027-01-05 10:00 UTC
      # mode: default
      # launches: 3
      workload	metric	unit	better	system	launch	value
      """;

  /** Three launches of each listed system on one metric, as the runner writes them. */
  private static String lines(String workload, String metric, String unit, String better, Map<String, double[]> figures) {
    StringBuilder out = new StringBuilder();
    for (int launch = 0; launch < 3; launch++) {
      for (Map.Entry<String, double[]> e : figures.entrySet()) {
        out.append(String.join("\t", workload, metric, unit, better, e.getKey(), String.valueOf(launch + 1),
            String.valueOf(e.getValue()[launch]))).append('\n');
      }
    }
    return out.toString();
  }

  private static Map<String, double[]> figures(Object... systemAndValues) {
    Map<String, double[]> map = new LinkedHashMap<>();
    for (int i = 0; i < systemAndValues.length; i += 2) {
      map.put((String) systemAndValues[i], (double[]) systemAndValues[i + 1]);
    }
    return map;
  }

  private static double[] v(double... values) {
    return values;
  }

  /** A run with every system: vthreads on W1 and W3, netty on W3 and W5. */
  private static CompareResults fullRun(Path dir) throws IOException {
    String text =
        HEADER
            + lines("W1", "task switch", "ns/switch", "lower",
                figures("fgbg", v(150, 160, 170), "asyncio", v(1500, 1400, 1600), "uvloop", v(800, 820, 840),
                    "vthreads", v(300, 310, 320)))
            + lines("W3", "TCP echo", "round trips/s", "higher",
                figures("fgbg", v(59000, 60000, 61000), "asyncio", v(50000, 50000, 50000),
                    "uvloop", v(60000, 60000, 60000), "vthreads", v(40000, 41000, 42000),
                    "netty", v(79000, 80000, 81000)))
            + lines("W5", "HTTP keep-alive", "requests/s", "higher",
                figures("fgbg", v(120000, 125000, 130000), "asyncio", v(75000, 75000, 75000),
                    "uvloop", v(90000, 90000, 90000), "netty", v(100000, 100000, 100000)));
    Path file = dir.resolve("run.tsv");
    Files.writeString(file, text);
    return CompareResults.read(file);
  }

  /**
   * A run with the three JVM peers: kotlin where it applies (W1, W2, W4), better than vthreads on
   * the switch and worse on the background call, n/a on the echo.
   */
  private static CompareResults runWithKotlin(Path dir) throws IOException {
    String text =
        HEADER
            + lines("W1", "task switch", "ns/switch", "lower",
                figures("fgbg", v(150, 160, 170), "asyncio", v(1500, 1400, 1600), "vthreads", v(300, 310, 320),
                    "kotlin", v(40, 50, 60)))
            + lines("W2", "100000 tasks: peak RSS", "MiB", "lower",
                figures("fgbg", v(300, 300, 300), "asyncio", v(200, 200, 200), "vthreads", v(250, 250, 250),
                    "kotlin", v(150, 160, 170)))
            + lines("W3", "TCP echo", "round trips/s", "higher",
                figures("fgbg", v(59000, 60000, 61000), "asyncio", v(50000, 50000, 50000),
                    "vthreads", v(40000, 41000, 42000), "netty", v(79000, 80000, 81000)))
            + lines("W4", "background call", "µs/round trip", "lower",
                figures("fgbg", v(4, 5, 6), "asyncio", v(20, 20, 20), "vthreads", v(2, 3, 4),
                    "kotlin", v(9, 10, 11)));
    Path file = dir.resolve("kotlin.tsv");
    Files.writeString(file, text);
    return CompareResults.read(file);
  }

  private static String row(String markdown, String title) {
    return markdown.lines().filter(l -> l.startsWith("| " + title + " |")).findFirst().orElseThrow();
  }

  private static List<String> cells(String row) {
    String[] parts = row.split(" \\| ");
    parts[0] = parts[0].substring(2);
    parts[parts.length - 1] = parts[parts.length - 1].replaceAll(" \\|$", "");
    return Arrays.asList(parts);
  }

  @Test
  void aRunRecordedBeforeTheJvmPeersReadsAndRendersAsItDid() throws IOException {
    CompareResults old = CompareResults.read(OLD_RUN);

    String markdown = CompareReport.markdown(old, OLD_RUN.toString(), "compare.svg");

    assertThat(old.systems()).containsExactly("fgbg", "asyncio", "uvloop");
    assertThat(old.hasJvmPeers()).isFalse();
    assertThat(markdown)
        .contains(
            "| workload | unit | fgbg | asyncio | uvloop | fgbg / asyncio | fgbg / uvloop |\n"
                + "|---|---|--:|--:|--:|--:|--:|\n"
                + "| W1 task switch | ns/switch, lower is better | 157 (150–162) | 1,474 (1,466–1,512) | "
                + "822 (821–838) | 0.106 (fgbg 9.41x better) | 0.191 (fgbg 5.25x better) |\n")
        .contains("![fgbg and uvloop relative to CPython asyncio](compare.svg)")
        .doesNotContain("vthreads")
        .doesNotContain("netty")
        .doesNotContain("JVM peer")
        .doesNotContain("n/a");
    assertThat(CompareChart.svg(old)).doesNotContain("vthreads").doesNotContain("netty");
  }

  @Test
  void aRunWhoseFgbgLaunchesHadJvmFlagsNamesThemAndARunWithoutSaysNothingOfFlags(@TempDir Path dir)
      throws IOException {
    String body =
        lines("W3", "TCP echo", "round trips/s", "higher",
            figures("fgbg", v(80000, 82000, 83000), "netty", v(79000, 80000, 81000)));
    Path flagged = dir.resolve("flagged.tsv");
    Files.writeString(
        flagged,
        HEADER.replace("# launches: 3\n",
                "# launches: 3\n# fgbg_flags: -Djdk.virtualThreadScheduler.parallelism=1\n")
            + body);
    Path plain = dir.resolve("plain.tsv");
    Files.writeString(plain, HEADER + body);

    assertThat(CompareReport.markdown(CompareResults.read(flagged), "flagged.tsv", "chart.svg"))
        .contains(
            "fgbg ran with the JVM flags `-Djdk.virtualThreadScheduler.parallelism=1`; every other"
                + " JVM program without flags.\n");
    assertThat(CompareReport.markdown(CompareResults.read(plain), "plain.tsv", "chart.svg"))
        .doesNotContain("JVM flags");
  }

  @Test
  void theTableHasAColumnPerJvmPeerAndFgbgsRatioToTheBetterOneNamed(@TempDir Path dir) throws IOException {
    String markdown = CompareReport.markdown(fullRun(dir), "run.tsv", "chart.svg");

    assertThat(markdown)
        .contains(
            "| workload | unit | fgbg | asyncio | uvloop | vthreads | netty | fgbg / asyncio | fgbg / uvloop"
                + " | fgbg / best JVM peer |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    assertThat(cells(row(markdown, "W3 TCP echo")))
        .containsExactly("W3 TCP echo", "round trips/s, higher is better", "60,000 (59,000–61,000)",
            "50,000 (50,000–50,000)", "60,000 (60,000–60,000)", "41,000 (40,000–42,000)",
            "80,000 (79,000–81,000)", "1.2 (fgbg 1.2x better)", "1 (fgbg even)",
            "netty: 0.75 (fgbg 1.33x worse)");
    assertThat(markdown).contains("![fgbg, uvloop, vthreads and netty relative to CPython asyncio](chart.svg)");
  }

  @Test
  void aJvmPeerWithoutAProgramForTheWorkloadReadsNotApplicable(@TempDir Path dir) throws IOException {
    String markdown = CompareReport.markdown(fullRun(dir), "run.tsv", "chart.svg");

    List<String> w1 = cells(row(markdown, "W1 task switch"));
    List<String> w5 = cells(row(markdown, "W5 HTTP keep-alive"));
    assertThat(w1.get(5)).isEqualTo("310 (300–320)");
    assertThat(w1.get(6)).isEqualTo("n/a");
    assertThat(w1.get(9)).isEqualTo("vthreads: 0.516 (fgbg 1.94x better)");
    assertThat(w5.get(5)).isEqualTo("n/a");
    assertThat(w5.get(9)).isEqualTo("netty: 1.25 (fgbg 1.25x better)");
  }

  @Test
  void aMetricWithoutJvmPeersReadsNotApplicableInTheBestPeersColumn(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("run.tsv");
    Files.writeString(file,
        HEADER
            + lines("W1", "task switch", "ns/switch", "lower", figures("fgbg", v(1, 1, 1), "vthreads", v(2, 2, 2)))
            + lines("W2", "100000 tasks: peak RSS", "MiB", "lower", figures("fgbg", v(3, 3, 3), "asyncio", v(4, 4, 4))));

    String markdown = CompareReport.markdown(CompareResults.read(file), "run.tsv", "chart.svg");

    assertThat(cells(row(markdown, "W2 100000 tasks: peak RSS")))
        .containsExactly("W2 100000 tasks: peak RSS", "MiB, lower is better", "3 (3–3)", "4 (4–4)", "n/a",
            "0.75 (fgbg 1.33x better)", "n/a");
  }

  @Test
  void theBetterJvmPeerFollowsTheMetricsSense() {
    Map<String, double[]> values = figures("vthreads", v(2, 2, 2), "netty", v(4, 4, 4));

    Metric cost = new Metric("W9", "cost", "ms", true, values);
    Metric rate = new Metric("W9", "rate", "/s", false, values);

    assertThat(cost.bestJvmPeer()).contains("vthreads");
    assertThat(rate.bestJvmPeer()).contains("netty");
  }

  @Test
  void levelJvmPeersNameTheFirstAndNoneNameNothing() {
    Metric level = new Metric("W9", "cost", "ms", true, figures("netty", v(2, 2, 2), "vthreads", v(2, 2, 2)));
    Metric none = new Metric("W9", "cost", "ms", true, figures("fgbg", v(2, 2, 2)));

    assertThat(level.bestJvmPeer()).contains("vthreads");
    assertThat(none.bestJvmPeer()).isEmpty();
  }

  @Test
  void theSummaryMarksTheBetterJvmPeerOfEachMetric(@TempDir Path dir) throws IOException {
    String text = CompareReport.text(fullRun(dir));

    assertThat(text.lines().filter(l -> l.endsWith("best JVM peer")).map(l -> l.trim().split(" +")[0]))
        .containsExactly("vthreads", "netty", "netty");
    assertThat(text).contains("  vthreads         41,000            40,000-42,000   1.46  (fgbg 1.46x better)\n");
  }

  @Test
  void theChartHasABarForEachSystemThatRanTheMetricAndNoneForTheOthers(@TempDir Path dir) throws IOException {
    String svg = CompareChart.svg(fullRun(dir));

    // the legend once, then the name left of each bar: vthreads on W1 and W3, netty on W3 and W5
    assertThat(count(svg, ">vthreads</text>")).isEqualTo(1 + 2);
    assertThat(count(svg, ">netty</text>")).isEqualTo(1 + 2);
    assertThat(count(svg, ">fgbg</text>")).isEqualTo(1 + 3);
    assertThat(svg).contains(">fgbg, uvloop, vthreads and netty against CPython asyncio: times better than"
        + " asyncio's median (log scale)</text>");
  }

  @Test
  void kotlinHasAColumnAfterNettyAndReadsNotApplicableWhereItHasNoProgram(@TempDir Path dir) throws IOException {
    String markdown = CompareReport.markdown(runWithKotlin(dir), "kotlin.tsv", "chart.svg");

    assertThat(markdown)
        .contains(
            "| workload | unit | fgbg | asyncio | vthreads | netty | kotlin | fgbg / asyncio"
                + " | fgbg / best JVM peer |\n|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
    assertThat(cells(row(markdown, "W1 task switch")))
        .containsExactly("W1 task switch", "ns/switch, lower is better", "160 (150–170)",
            "1,500 (1,400–1,600)", "310 (300–320)", "n/a", "50 (40–60)", "0.107 (fgbg 9.38x better)",
            "kotlin: 3.2 (fgbg 3.2x worse)");
    List<String> w3 = cells(row(markdown, "W3 TCP echo"));
    assertThat(w3.get(6)).isEqualTo("n/a");
    assertThat(w3.get(8)).isEqualTo("netty: 0.75 (fgbg 1.33x worse)");
    assertThat(markdown).contains("![fgbg, vthreads, netty and kotlin relative to CPython asyncio](chart.svg)");
  }

  @Test
  void theBestJvmPeerIsChosenAmongTheThreeOnEachRow(@TempDir Path dir) throws IOException {
    CompareResults results = runWithKotlin(dir);
    String markdown = CompareReport.markdown(results, "kotlin.tsv", "chart.svg");

    assertThat(results.metrics.stream().map(m -> m.bestJvmPeer().orElseThrow()))
        .containsExactly("kotlin", "kotlin", "netty", "vthreads");
    assertThat(cells(row(markdown, "W2 100000 tasks: peak RSS")).get(8))
        .isEqualTo("kotlin: 1.88 (fgbg 1.88x worse)");
    assertThat(cells(row(markdown, "W4 background call")).get(8))
        .isEqualTo("vthreads: 1.67 (fgbg 1.67x worse)");
    assertThat(markdown)
        .contains(" The best JVM peer is the best of vthreads (plain JDK virtual threads), netty (Netty,"
            + " one event-loop thread) and kotlin (Kotlin coroutines in runBlocking's event loop) on that"
            + " row, named before its ratio; n/a: the peer has no program for that workload.\n");
  }

  @Test
  void aRunWithTwoJvmPeersKeepsItsNoteAsItWas(@TempDir Path dir) throws IOException {
    String markdown = CompareReport.markdown(fullRun(dir), "run.tsv", "chart.svg");

    assertThat(markdown)
        .contains(" The best JVM peer is the better of vthreads (plain JDK virtual threads) and "
            + "netty (Netty, one event-loop thread) on that row, named before its ratio; n/a: the "
            + "peer has no program for that workload.\n")
        .doesNotContain("kotlin");
  }

  @Test
  void theSummaryAndTheChartShowKotlinOnlyWhereItRan(@TempDir Path dir) throws IOException {
    CompareResults results = runWithKotlin(dir);

    String text = CompareReport.text(results);
    String svg = CompareChart.svg(results);

    assertThat(text.lines().filter(l -> l.endsWith("best JVM peer")).map(l -> l.trim().split(" +")[0]))
        .containsExactly("kotlin", "kotlin", "netty", "vthreads");
    assertThat(text.lines().filter(l -> l.trim().startsWith("kotlin "))).hasSize(3);
    // the legend once, then the name left of each bar: on W1, W2 and W4
    assertThat(count(svg, ">kotlin</text>")).isEqualTo(1 + 3);
    assertThat(svg).contains(">fgbg, vthreads, netty and kotlin against CPython asyncio: times better than"
        + " asyncio's median (log scale)</text>");
  }

  private static int count(String text, String part) {
    Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
