package io.fgbg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that the {@code AsyncioOrder*Test} classes hold every scenario of {@code
 * asyncio-order/scenarios.py}, each in one test: it reads their sources for the scenario names
 * their {@code assertSameOrderAsAsyncio("name", ...)} calls give, and takes those of the
 * parameterized tests (the sweeps) from their cases: a {@code @ParameterizedTest} of these classes
 * takes the scenario's name as its first argument, from a {@code @MethodSource} factory, and
 * passes it on with {@code assertSameOrderAsAsyncio(scenario, ...)}.
 */
@Timeout(60)
class AsyncioOrderCoverageTest {
  /** A call that starts a line, so not one in a comment; its first argument. */
  private static final Pattern SCENARIO_OF_A_TEST =
      Pattern.compile("(?m)^\\s*assertSameOrderAsAsyncio\\(\\s*\"([^\"]*)\"");

  /** The call of a parameterized test, whose scenario is its first argument. */
  private static final Pattern SCENARIO_OF_A_CASE =
      Pattern.compile("(?m)^\\s*assertSameOrderAsAsyncio\\(\\s*scenario\\s*,");

  @Test
  void everyPythonScenarioIsHeldHereToo() throws IOException {
    List<String> python = AsyncioReference.scenarioNames();
    assertThat(python).hasSize(205);
    assertThat(scenariosHeldInJava())
        .as("scenarios named by assertSameOrderAsAsyncio in the AsyncioOrder*Test sources,"
            + " compared with those of scenarios.py")
        .containsExactlyInAnyOrderElementsOf(python);
  }

  /**
   * The scenario names in the AsyncioOrder*Test sources, once for each test that names one, and
   * once for each case of a parameterized test.
   */
  private static List<String> scenariosHeldInJava() throws IOException {
    Path sources = testSources();
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(sources)) {
      for (Path file : files.sorted().toList()) {
        String fileName = file.getFileName().toString();
        if (fileName.startsWith("AsyncioOrder") && fileName.endsWith("Test.java")) {
          String source = Files.readString(file);
          Matcher m = SCENARIO_OF_A_TEST.matcher(source);
          while (m.find()) {
            names.add(m.group(1));
          }
          String className = fileName.substring(0, fileName.length() - ".java".length());
          assertThat(SCENARIO_OF_A_CASE.matcher(source).results().count())
              .as("assertSameOrderAsAsyncio(scenario, ...) calls in %s, one per parameterized test",
                  fileName)
              .isEqualTo(parameterizedTests(className).size());
          names.addAll(scenariosOfTheCases(className));
        }
      }
    }
    return names;
  }

  /** The first argument of every case of the parameterized tests of {@code className}. */
  private static List<String> scenariosOfTheCases(String className) {
    List<String> names = new ArrayList<>();
    Class<?> testClass = testClass(className);
    for (Method test : parameterizedTests(className)) {
      MethodSource source = test.getAnnotation(MethodSource.class);
      assertThat(source).as("the @MethodSource of %s.%s", className, test.getName()).isNotNull();
      assertThat(test.getParameterTypes()[0])
          .as("the type of the first parameter (the scenario) of %s.%s", className, test.getName())
          .isEqualTo(String.class);
      for (String factory : source.value()) {
        try {
          Method m = testClass.getDeclaredMethod(factory);
          m.setAccessible(true);
          try (Stream<?> cases = (Stream<?>) m.invoke(null)) {
            cases.forEach(c -> names.add((String) ((Arguments) c).get()[0]));
          }
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(
              "cannot call " + className + "." + factory + "(), the cases of " + test.getName(),
              e);
        }
      }
    }
    return names;
  }

  private static List<Method> parameterizedTests(String className) {
    return Stream.of(testClass(className).getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(ParameterizedTest.class))
        .toList();
  }

  private static Class<?> testClass(String className) {
    try {
      return Class.forName(AsyncioOrderCoverageTest.class.getPackageName() + "." + className);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(className + " is not among the compiled test classes", e);
    }
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
