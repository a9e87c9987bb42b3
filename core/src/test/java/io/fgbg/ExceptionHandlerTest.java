package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * The loop's exception handler (asyncio's {@code set_exception_handler} and {@code
 * call_exception_handler}) and the default one.
 *
 * <p>Thread regime: one loop on the virtual clock, run by the test's thread; the handler runs on
 * whichever thread holds the loop when the error is reported (a task's, or the test's), and the
 * test reads what it recorded after the run, from the test's thread.
 */
class ExceptionHandlerTest extends LoopTestSupport {
  private static final String NL = System.lineSeparator();

  /** A callback that throws, with a name that its report shows. */
  private record Failing(String name, RuntimeException failure) implements Runnable {
    @Override
    public void run() {
      throw failure;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final List<ExceptionContext> handled = new ArrayList<>();

  private void recordContexts() {
    loop.setExceptionHandler(
        (l, context) -> {
          assertThat(l).isSameAs(loop);
          handled.add(context);
        });
  }

  // ------------------------------------------------------------------ what reaches the handler

  @Test
  void aCallbackThatThrowsIsHandedToTheHandlerAndTheLoopGoesOn() throws Exception {
    recordContexts();
    IllegalStateException boom = new IllegalStateException("boom");
    loop.callSoon(new Failing("failing", boom));
    loop.callSoon(() -> log("the next callback runs"));

    runInForeground(sleep(ZERO));

    assertThat(handled)
        .containsExactly(ExceptionContext.of("Exception in callback Handle[failing]", boom, null));
    assertThat(events).containsExactly("the next callback runs");
  }

  @Test
  void aTimerCallbackThatThrowsIsHandedToTheHandler() throws Exception {
    recordContexts();
    IllegalStateException boom = new IllegalStateException("boom");
    loop.callLater(ZERO, new Failing("late", boom));

    runInForeground(sleep(ZERO));

    assertThat(handled).hasSize(1);
    assertThat(handled.get(0).message())
        .startsWith("Exception in callback TimerHandle[")
        .endsWith("Handle[late]]");
    assertThat(handled.get(0).exception()).isSameAs(boom);
  }

  @Test
  void aDoneCallbackThatThrowsIsHandedToTheHandlerNamingTheTask() throws Exception {
    recordContexts();
    IllegalArgumentException bad = new IllegalArgumentException("bad callback");
    Task<Integer> task = scheduleCoroutine(sleep(ZERO, 7));
    task.addDoneCallback(
        t -> {
          throw bad;
        });
    task.addDoneCallback(t -> log("the second done callback runs"));

    assertThat(runInForeground(task)).isEqualTo(7);
    runInForeground(sleep(ZERO)); // the done callbacks run one hop after the task ends

    assertThat(handled)
        .containsExactly(
            ExceptionContext.of(
                "Exception in callback Handle[done callback of Task-1]", bad, null));
    assertThat(events).containsExactly("the second done callback runs");
  }

  @Test
  void theHandlerRunsOnTheThreadThatReportsWhichRunsTheLoop() throws Exception {
    List<String> seen = new ArrayList<>();
    loop.setExceptionHandler(
        (l, context) ->
            seen.add(
                "running=" + l.isRunning() + ", current is the loop="
                    + (EventLoop.current() == loop)));
    runInForeground(
        () -> {
          loop.callSoon(new Failing("failing", new IllegalStateException("boom")));
          await(sleep(ZERO));
          return null;
        });

    assertThat(seen).containsExactly("running=true, current is the loop=true");
  }

  @Test
  void callExceptionHandlerHandsTheContextItselfToTheHandler() {
    recordContexts();
    ExceptionContext context =
        ExceptionContext.of("cache refresh failed", new IOException("io"), null);

    loop.callExceptionHandler(context);

    assertThat(handled).singleElement().isSameAs(context);
  }

  @Test
  void aNullContextIsANullPointerExceptionNamingTheParameter() {
    assertThatThrownBy(() -> loop.callExceptionHandler(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("context");
  }

  // ------------------------------------------------------------------ the default handler

  @Test
  void theDefaultLogsOnLoggerIoFgbgAtErrorTheMessageTheTaskAndTheException() throws Exception {
    IOException boom = new IOException("boom");
    Task<Task<?>> task = scheduleCoroutine(() -> currentTask());
    runInForeground(task);

    try (LogCapture log = new LogCapture()) {
      loop.callExceptionHandler(ExceptionContext.of("something broke", boom, task));

      LogRecord record = log.records.getFirst();
      assertThat(log.records).hasSize(1);
      assertThat(record.getLoggerName()).isEqualTo("io.fgbg");
      assertThat(record.getLevel()).isEqualTo(Level.SEVERE); // System.Logger's ERROR
      assertThat(record.getMessage()).isEqualTo("something broke" + NL + "task: Task-1");
      assertThat(record.getThrown()).isSameAs(boom);
    }
  }

  @Test
  void aCallbackThatThrowsIsLoggedByDefault() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    try (LogCapture log = new LogCapture()) {
      loop.callSoon(new Failing("failing", boom));
      runInForeground(sleep(ZERO));

      assertThat(log.records)
          .singleElement()
          .satisfies(
              record -> {
                assertThat(record.getMessage()).isEqualTo("Exception in callback Handle[failing]");
                assertThat(record.getThrown()).isSameAs(boom);
              });
    }
  }

  @Test
  void settingTheHandlerToNullRestoresTheDefault() {
    recordContexts();
    loop.setExceptionHandler(null);
    try (LogCapture log = new LogCapture()) {
      loop.callExceptionHandler(ExceptionContext.of("no exception at all", null, null));

      assertThat(handled).isEmpty();
      assertThat(log.records)
          .singleElement()
          .satisfies(
              record -> {
                assertThat(record.getMessage()).isEqualTo("no exception at all");
                assertThat(record.getThrown()).isNull();
              });
    }
  }

  @Test
  void aHandlerThatThrowsFallsBackToTheDefaultWithTheOriginalContext() throws Exception {
    IllegalStateException broken = new IllegalStateException("the handler is broken");
    loop.setExceptionHandler(
        (l, context) -> {
          throw broken;
        });
    IOException boom = new IOException("boom");
    try (LogCapture log = new LogCapture()) {
      assertThatCode(() -> loop.callExceptionHandler(ExceptionContext.of("first", boom, null)))
          .doesNotThrowAnyException();

      LogRecord record = log.records.getFirst();
      assertThat(log.records).hasSize(1);
      assertThat(record.getThrown()).isSameAs(broken);
      assertThat(record.getMessage())
          .startsWith(
              "Unhandled error in exception handler"
                  + NL
                  + "context: ExceptionContext[message=first, exception=java.io.IOException: boom]"
                  + NL
                  + "context exception: java.io.IOException: boom"
                  + NL
                  + "\tat io.fgbg.ExceptionHandlerTest.");
    }
  }

  @Test
  void aHandlerThatThrowsDoesNotStopTheLoop() throws Exception {
    loop.setExceptionHandler(
        (l, context) -> {
          throw new IllegalStateException("the handler is broken");
        });
    try (LogCapture log = new LogCapture()) {
      loop.callSoon(new Failing("failing", new IllegalStateException("boom")));
      loop.callSoon(() -> log("the next callback runs"));

      runInForeground(sleep(ZERO));

      assertThat(events).containsExactly("the next callback runs");
      assertThat(log.records)
          .singleElement()
          .satisfies(
              record ->
                  assertThat(record.getMessage())
                      .startsWith(
                          "Unhandled error in exception handler"
                              + NL
                              + "context: ExceptionContext[message=Exception in callback"
                              + " Handle[failing], exception=java.lang.IllegalStateException:"
                              + " boom]"));
    }
  }

  @Test
  void inAnInteractiveShellTheDefaultWritesToStandardErrorInsteadOfTheLogger() throws Exception {
    IOException boom = new IOException("boom");
    Task<Void> task = scheduleCoroutine(sleep(ZERO));
    runInForeground(task);
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setProperty("fgbg.interactive", "true");
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (LogCapture log = new LogCapture()) {
      loop.callExceptionHandler(ExceptionContext.of("something broke", boom, task));

      assertThat(log.records).isEmpty();
    } finally {
      System.setErr(err);
      System.clearProperty("fgbg.interactive");
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .startsWith(
            "something broke"
                + NL
                + "task: Task-1"
                + NL
                + "java.io.IOException: boom"
                + NL
                + "\tat io.fgbg.ExceptionHandlerTest.");
  }

  // ------------------------------------------------------------------ ExceptionContext

  @Test
  void aContextWithoutAMessageIsANullPointerExceptionNamingTheParameter() {
    assertThatThrownBy(() -> ExceptionContext.of(null, new IOException("io"), null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("message");
  }

  @Test
  void aContextReadsAsItsPartsLeavingOutThoseThatAreNull() throws Exception {
    Task<Void> task = scheduleCoroutine(sleep(ZERO));
    task.setName("refresher");

    assertThat(ExceptionContext.of("failed", new IOException("io"), task))
        .hasToString(
            "ExceptionContext[message=failed, exception=java.io.IOException: io, task=refresher]");
    assertThat(ExceptionContext.of("just words", null, null))
        .hasToString("ExceptionContext[message=just words]");
    ExceptionContext context = ExceptionContext.of("failed", null, task);
    assertThat(context.message()).isEqualTo("failed");
    assertThat(context.exception()).isNull();
    assertThat(context.task()).isSameAs(task);
    runInForeground(task);
  }
}
