package io.fgbg.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs a test class of one test through JUnit Jupiter's engine, as a build would, on the calling
 * thread (EngineTestKit), and keeps its outcome and what fgbg logged meanwhile (logger {@code
 * io.fgbg}) and printed on {@code System.err}, both kept off the console.
 *
 * <p>The classes run this way are static nested classes of the tests, marked {@link Fixture}: most
 * of them are meant to fail, and they are skipped when anything else runs them.
 */
final class EngineRun {
  /** How the one test ended. */
  final TestExecutionResult result;
  /** What the loop's default exception handler logged during the run, as "message: exception". */
  final List<String> logged;
  /** What was printed on System.err during the run (job notices go there). */
  final String stderr;

  private EngineRun(TestExecutionResult result, List<String> logged, String stderr) {
    this.result = result;
    this.logged = logged;
    this.stderr = stderr;
  }

  /** Runs the one test of {@code testClass}. */
  static EngineRun of(Class<?> testClass) {
    List<EngineRun> runs = all(testClass);
    assertThat(runs).as("tests run in " + testClass.getSimpleName()).hasSize(1);
    return runs.get(0);
  }

  /** Runs every test of {@code testClass}, in JUnit's order; each run keeps all that was logged. */
  static List<EngineRun> all(Class<?> testClass) {
    List<String> logged = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger("io.fgbg"); // held: java.util.logging keeps loggers weakly
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logged.add(record.getMessage() + ": " + record.getThrown());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    boolean parents = logger.getUseParentHandlers();
    logger.setUseParentHandlers(false);
    logger.addHandler(capture);
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
    List<Event> finished;
    try {
      finished =
          EngineTestKit.engine("junit-jupiter")
              .selectors(selectClass(testClass))
              .configurationParameter(Fixture.PARAMETER, "true")
              .execute()
              .testEvents()
              .finished()
              .list();
    } finally {
      System.setErr(err);
      logger.removeHandler(capture);
      logger.setUseParentHandlers(parents);
    }
    return finished.stream()
        .map(
            event ->
                new EngineRun(
                    event.getRequiredPayload(TestExecutionResult.class),
                    logged,
                    printed.toString(StandardCharsets.UTF_8)))
        .toList();
  }

  /** The test's failure; fails if the test passed. */
  Throwable failure() {
    assertThat(result.getStatus()).as("the test's outcome").isEqualTo(TestExecutionResult.Status.FAILED);
    return result.getThrowable().orElseThrow();
  }

  /** Fails unless the test passed; shows its failure if it did not. */
  void assertPassed() {
    assertThat(result.getThrowable()).as("the test's failure").isEmpty();
    assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
  }
}
