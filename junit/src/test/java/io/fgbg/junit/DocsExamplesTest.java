package io.fgbg.junit;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.fgbg.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The examples of README.md and docs/testing.md are the tests of this module: each code block
 * marked {@code <!-- example: NAME -->} is, to the character, the region of a test source between
 * {@code // docs:begin NAME} and {@code // docs:end NAME} (less its indentation), every such region
 * is shown on the page, and a report the page shows is the one the example's test fails with.
 */
class DocsExamplesTest {
  private static final Path ROOT = Path.of(System.getProperty("fgbg.root", ".."));
  private static final Path SOURCES = ROOT.resolve("junit/src/test/java");
  private static final Pattern MARKED_BLOCK =
      Pattern.compile("<!-- example: ([\\w-]+) -->\\n```\\w*\\n(.*?)```\\n", Pattern.DOTALL);
  private static final Pattern REGION =
      Pattern.compile(
          "\\n([ \\t]*)// docs:begin ([\\w-]+)\\n(.*?)\\n[ \\t]*// docs:end \\2\\n", Pattern.DOTALL);

  /** The marked code blocks of a page, by name, in page order. */
  private static Map<String, String> blocks(String page) throws IOException {
    String text = Files.readString(ROOT.resolve(page), StandardCharsets.UTF_8);
    Map<String, String> blocks = new LinkedHashMap<>();
    Matcher m = MARKED_BLOCK.matcher(text);
    while (m.find()) {
      assertThat(blocks.put(m.group(1), m.group(2))).as(page + " shows " + m.group(1) + " twice").isNull();
    }
    return blocks;
  }

  /** The regions of the test sources, by name, each less the indentation of its begin line. */
  private static Map<String, String> regions() throws IOException {
    Map<String, String> regions = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    for (Path file : files) {
      Matcher m = REGION.matcher(Files.readString(file, StandardCharsets.UTF_8));
      while (m.find()) {
        String indent = m.group(1);
        String region =
            m.group(3)
                .lines()
                .map(line -> line.startsWith(indent) ? line.substring(indent.length()) : line)
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(regions.put(m.group(2), region)).as("region " + m.group(2) + " twice").isNull();
      }
    }
    return regions;
  }

  @Test
  void theReadmeShowsTheSlowServiceTestAsItIs() throws IOException {
    Map<String, String> blocks = blocks("README.md");
    assertThat(blocks).containsOnlyKeys("slow-service");
    assertThat(blocks.get("slow-service")).isEqualTo(regions().get("slow-service"));
    assertThat(blocks.get("slow-service").lines()).as("lines of the README's example").hasSizeLessThan(20);
  }

  @Test
  void theTestingPageShowsEachExampleAsItIsAndEveryExample() throws IOException {
    Map<String, String> blocks = blocks("docs/testing.md");
    Map<String, String> regions = regions();
    assertThat(blocks.keySet()).containsAll(regions.keySet());
    assertThat(blocks.keySet())
        .as("every block on the page is checked")
        .allMatch(name -> regions.containsKey(name) || name.equals("leaky-ticker-report"));
    for (Map.Entry<String, String> region : regions.entrySet()) {
      assertThat(blocks.get(region.getKey())).as(region.getKey()).isEqualTo(region.getValue());
    }
  }

  // ------------------------------------------------------------------ a report the page shows

  @Fixture
  static class LeavesATickerAndAFailure {
    // docs:begin leaky-ticker
    @FgbgTest
    void leavesATickerRunningAndAFailureUnread() throws Exception {
      Task<Void> ticker =
          scheduleCoroutine(
              () -> {
                while (true) {
                  await(sleep(ofSeconds(1)));
                }
              });
      ticker.setName("ticker");
      scheduleCoroutine(
          () -> {
            throw new IOException("connection refused");
          });
      runInForeground(sleep(ofSeconds(3)));
    }
    // docs:end leaky-ticker
  }

  @Test
  void theReportOnThePageIsTheOneTheLeakyTestFailsWith() throws IOException {
    Throwable failure = EngineRun.of(LeavesATickerAndAFailure.class).failure();
    assertThat(blocks("docs/testing.md").get("leaky-ticker-report")).isEqualTo(failure + "\n");
  }
}
