package io.fgbg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checks that the {@code AsyncioOrder*Test} classes hold every scenario of {@code
 * asyncio-order/scenarios.py}, each in one test: it reads their sources for the scenario names
 * their {@code assertSameOrderAsAsyncio("name", ...)} calls give.
 */
@Timeout(60)
class AsyncioOrderCoverageTest {
  /** A call that starts a line, so not one in a comment; its first argument. */
  private static final Pattern SCENARIO_OF_A_TEST =
      Pattern.compile("(?m)^\\s*assertSameOrderAsAsyncio\\(\\s*\"([^\"]*)\"");

  @Test
  void everyPythonScenarioIsHeldHereToo() throws IOException {
    List<String> python = AsyncioReference.scenarioNames();
    assertThat(python).hasSize(66);
    assertThat(scenariosHeldInJava())
        .as("scenarios named by assertSameOrderAsAsyncio in the AsyncioOrder*Test sources,"
            + " compared with those of scenarios.py")
        .containsExactlyInAnyOrderElementsOf(python);
  }

  /** The scenario names in the AsyncioOrder*Test sources, once for each test that names one. */
  private static List<String> scenariosHeldInJava() throws IOException {
    Path sources = testSources();
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(sources)) {
      for (Path file : files.sorted().toList()) {
        String fileName = file.getFileName().toString();
        if (fileName.startsWith("AsyncioOrder") && fileName.endsWith("Test.java")) {
          Matcher m = SCENARIO_OF_A_TEST.matcher(Files.readString(file));
          while (m.find()) {
            names.add(m.group(1));
          }
        }
      }
    }
    return names;
  }

  /** src/test/java/io/fgbg of this module, found from where the test classes were compiled to. */
  private static Path testSources() {
    Path classes;
    try {
      classes =
          Path.of(
              AsyncioOrderCoverageTest.class.getProtectionDomain().getCodeSource().getLocation()
                  .toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
    // target/test-classes -> the module's directory
    Path sources = classes.getParent().getParent().resolve("src/test/java/io/fgbg");
    if (!Files.isDirectory(sources)) {
      throw new AssertionError(
          "the test sources are not at " + sources + " (the test classes are at " + classes + ")");
    }
    return sources;
  }
}
