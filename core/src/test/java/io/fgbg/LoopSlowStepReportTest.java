package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A step that holds the loop longer than the slow-step threshold (default 1 s, 100 ms in debug
 * mode, ZERO off) is reported once per step, while it still runs, through the {@code io.fgbg}
 * logger at WARNING (or on System.err in an interactive shell): the task's name, how long, and
 * where it is. Steps under the threshold, and every step with the report off, are not reported.
 * These run on the real clock: how long a step holds the loop is the subject.
 */
class LoopSlowStepReportTest {
  private static final Pattern REPORT =
      Pattern.compile(
          "(Task-\\d+) has held the loop for (\\d+\\.\\d) s without awaiting, at"
              + " io\\.fgbg\\.LoopSlowStepReportTest\\.\\S+"
              + "\\(LoopSlowStepReportTest\\.java:\\d+\\):"
              + " a blocking call inside a coroutine\\? use callInBackground");

  /** A record the io.fgbg logger was asked to publish. */
  private record Report(int level, String logger, String message) {}

  /**
   * Every record of WARNING or above that the {@code io.fgbg} logger is asked to publish, taken by
   * a {@code java.util.logging.Filter} on it (which also keeps them off the console). Reached
   * reflectively: the tests compile inside the module, which does not read java.logging.
   */
  private static final class Reports implements InvocationHandler {
    static final int WARNING = 900; // java.util.logging.Level.WARNING.intValue()
    final List<Report> records = new CopyOnWriteArrayList<>();
    final CountDownLatch first = new CountDownLatch(1);
    final CountDownLatch second = new CountDownLatch(2);
    private Object logger;
    private Object previousFilter;
    private Class<?> filterType;

    void listen() throws ReflectiveOperationException {
      Class<?> loggerType = Class.forName("java.util.logging.Logger");
      filterType = Class.forName("java.util.logging.Filter");
      logger = loggerType.getMethod("getLogger", String.class).invoke(null, "io.fgbg");
      previousFilter = loggerType.getMethod("getFilter").invoke(logger);
      Object filter =
          Proxy.newProxyInstance(
              LoopSlowStepReportTest.class.getClassLoader(), new Class<?>[] {filterType}, this);
      loggerType.getMethod("setFilter", filterType).invoke(logger, filter);
    }

    void stop() throws ReflectiveOperationException {
      logger.getClass().getMethod("setFilter", filterType).invoke(logger, previousFilter);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "isLoggable" -> {
          Object record = args[0];
          Object level = record.getClass().getMethod("getLevel").invoke(record);
          int value = (int) level.getClass().getMethod("intValue").invoke(level);
          if (value >= WARNING) {
            String name = (String) record.getClass().getMethod("getLoggerName").invoke(record);
            String message = (String) record.getClass().getMethod("getMessage").invoke(record);
            records.add(new Report(value, name, message));
            first.countDown();
            second.countDown();
          }
          return false;
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "equals" -> {
          return proxy == args[0];
        }
        default -> {
          return "Reports";
        }
      }
    }
  }

  private final Reports reports = new Reports();
  private EventLoop loop;

  @BeforeEach
  void listenToTheLoggerAndMakeALoop() throws Exception {
    reports.listen();
    loop = EventLoop.create();
  }

  @AfterEach
  void closeTheLoopAndStopListening() throws Exception {
    try {
      loop.close();
    } finally {
      reports.stop();
    }
  }

  /** Holds the loop: a blocking call inside a coroutine, for a length of real time. */
  private static void holdTheLoopFor(Duration duration) throws InterruptedException {
    Thread.sleep(duration);
  }

  @Test
  void aStepThatHoldsTheLoopIsReportedWhileItStillRunsWithItsTaskAndWhereItIs() throws Exception {
    loop.setSlowStepThreshold(ofMillis(200));
    AtomicReference<String> name = new AtomicReference<>();
    boolean reportedWhileRunning =
        runInForeground(
            () -> {
              name.set(currentTask().name());
              return reports.first.await(10, TimeUnit.SECONDS); // never awaits the loop
            },
            loop);

    assertThat(reportedWhileRunning).as("the report came before the step returned").isTrue();
    assertThat(reports.records).hasSize(1);
    Report record = reports.records.get(0);
    assertThat(record.level()).as("WARNING").isEqualTo(Reports.WARNING);
    assertThat(record.logger()).isEqualTo("io.fgbg");
    String message = record.message();
    Matcher first = REPORT.matcher(message);
    assertThat(first.lookingAt()).as("the report's first line: " + message).isTrue();
    assertThat(first.group(1)).isEqualTo(name.get());
    assertThat(Double.parseDouble(first.group(2))).as("how long").isGreaterThanOrEqualTo(0.2);
    assertThat(message.lines().skip(1))
        .as("the step's frames follow")
        .anyMatch(line -> line.startsWith("\tat io.fgbg.LoopSlowStepReportTest."));
    assertThat(message.lines().reduce((a, b) -> b).orElseThrow())
        .as("the last frame shown is the body's own: none of the loop's machinery below it")
        .startsWith("\tat io.fgbg.LoopSlowStepReportTest.");
  }

  @Test
  void eachStepThatHoldsTheLoopIsReportedOnceHoweverLongItHoldsIt() throws Exception {
    loop.setSlowStepThreshold(ofMillis(100));
    AtomicReference<String> name = new AtomicReference<>();
    boolean secondStepReported =
        runInForeground(
            () -> {
              name.set(currentTask().name());
              reports.first.await(10, TimeUnit.SECONDS);
              holdTheLoopFor(ofMillis(800)); // eight thresholds more in the same step
              await(sleep(ZERO));
              return reports.second.await(10, TimeUnit.SECONDS);
            },
            loop);

    assertThat(secondStepReported).as("a new step is reported again").isTrue();
    assertThat(reports.records).hasSize(2);
    assertThat(reports.records)
        .allSatisfy(r -> assertThat(r.message()).startsWith(name.get() + " has held the loop"));
  }

  @Test
  void stepsUnderTheThresholdAreNotReportedEvenWhenTheirRunTakesLongerThanIt() throws Exception {
    assertThat(loop.slowStepThreshold()).isEqualTo(ofSeconds(1));
    runInForeground(
        () -> {
          for (int i = 0; i < 12; i++) {
            holdTheLoopFor(ofMillis(100));
            await(sleep(ZERO));
          }
          return null;
        },
        loop);

    assertThat(reports.records).isEmpty();
  }

  @Test
  void withTheThresholdAtZeroNoStepIsReported() throws Exception {
    loop.setSlowStepThreshold(ZERO);
    assertThat(loop.slowStepThreshold()).isEqualTo(ZERO);
    runInForeground(
        () -> {
          holdTheLoopFor(ofMillis(1500)); // longer than the default threshold
          return null;
        },
        loop);

    assertThat(reports.records).isEmpty();
  }

  @Test
  void debugModeLowersTheThresholdTo100MillisecondsAndLeavingItRestoresOneSecond()
      throws Exception {
    assertThat(loop.isDebug()).isFalse();
    loop.setDebug(true);
    assertThat(loop.isDebug()).isTrue();
    assertThat(loop.slowStepThreshold()).isEqualTo(ofMillis(100));
    boolean reported =
        runInForeground(() -> reports.first.await(800, TimeUnit.MILLISECONDS), loop);
    assertThat(reported).as("reported before the default threshold would have").isTrue();

    loop.setDebug(false);
    assertThat(loop.isDebug()).isFalse();
    assertThat(loop.slowStepThreshold()).isEqualTo(ofSeconds(1));
    runInForeground(
        () -> {
          holdTheLoopFor(ofMillis(500));
          return null;
        },
        loop);
    assertThat(reports.records).hasSize(1);
  }

  @Test
  void inAnInteractiveShellTheReportIsPrintedOnStandardErrorInstead() throws Exception {
    loop.setSlowStepThreshold(ofMillis(200));
    CountDownLatch printed = new CountDownLatch(1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream watching =
        new OutputStream() {
          @Override
          public synchronized void write(int b) {
            bytes.write(b);
            if (b == '\n') {
              printed.countDown();
            }
          }
        };
    PrintStream err = System.err;
    String interactive = System.getProperty("fgbg.interactive");
    AtomicReference<String> name = new AtomicReference<>();
    boolean printedWhileRunning;
    System.setErr(new PrintStream(watching, true, StandardCharsets.UTF_8));
    System.setProperty("fgbg.interactive", "true");
    try {
      printedWhileRunning =
          runInForeground(
              () -> {
                name.set(currentTask().name());
                return printed.await(10, TimeUnit.SECONDS);
              },
              loop);
    } finally {
      System.setErr(err);
      if (interactive == null) {
        System.clearProperty("fgbg.interactive");
      } else {
        System.setProperty("fgbg.interactive", interactive);
      }
    }

    assertThat(printedWhileRunning).isTrue();
    String text;
    synchronized (watching) {
      text = bytes.toString(StandardCharsets.UTF_8);
    }
    Matcher line = REPORT.matcher(text);
    assertThat(line.lookingAt()).as("printed: " + text).isTrue();
    assertThat(line.group(1)).isEqualTo(name.get());
    assertThat(reports.records).as("not logged as well").isEmpty();
  }

  @Test
  void aNegativeThresholdIsRefusedAndANullOneNamesTheParameter() {
    assertThatThrownBy(() -> loop.setSlowStepThreshold(ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> loop.setSlowStepThreshold(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("threshold");
    assertThat(loop.slowStepThreshold()).as("left as it was").isEqualTo(ofSeconds(1));
  }
}
