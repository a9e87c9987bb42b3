package io.fgbg;

import static io.fgbg.Fgbg.job;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofHours;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Job numbers never wrap: past {@code Integer.MAX_VALUE} they go on growing, in names, in the job
 * table, in notices and in {@code job(n)}, for a loop that has made billions of tasks.
 *
 * <p>Thread regime: one loop on the virtual clock, run by the test's thread; its counter is set,
 * while the loop is idle, to just below {@code Integer.MAX_VALUE}.
 */
class JobNumbersTest extends LoopTestSupport {
  private static final long LAST_INT = Integer.MAX_VALUE;

  @BeforeEach
  void startNearTheEndOfTheIntRange() {
    loop.onLoop(
        () -> {
          loop.jobs.setLastNumber(LAST_INT - 1);
          return null;
        });
  }

  @Test
  void numbersGoOnPastIntegerMaxValueInTheNamesOfTasks() {
    Task<Void> a = scheduleCoroutine(sleep(ZERO));
    Task<Void> b = scheduleCoroutine(sleep(ZERO));
    Task<Void> c = scheduleCoroutine(sleep(ZERO));

    assertThat(List.of(a.name(), b.name(), c.name()))
        .containsExactly("Task-2147483647", "Task-2147483648", "Task-2147483649");
  }

  @Test
  void jobFindsATaskNumberedPastIntegerMaxValue() {
    Task<Void> a = scheduleCoroutine(sleep(ofHours(1)));
    Task<Void> b = scheduleCoroutine(sleep(ofHours(1)));

    assertThat(job(LAST_INT)).isSameAs(a);
    assertThat(job(LAST_INT + 1)).isSameAs(b);
    assertThat(job(LAST_INT + 1, loop)).isSameAs(b);
    assertThatThrownBy(() -> job(LAST_INT + 2))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("no such job: 2147483649");
    assertThatThrownBy(() -> job(1 - LAST_INT - LAST_INT))
        .as("what an int counter would have wrapped to")
        .hasMessage("no such job: -4294967293");
  }

  @Test
  void theJobTableMarksAndOrdersNumbersPastIntegerMaxValue() {
    scheduleCoroutine(sleep(ofHours(1)));
    scheduleCoroutine(sleep(ofHours(1)));
    scheduleCoroutine(sleep(ofHours(1)));

    assertThat(Fgbg.jobsTable(loop).lines())
        .containsExactly(
            "[2147483647]   Pending  0.0 s  Task-2147483647",
            "[2147483648]-  Pending  0.0 s  Task-2147483648",
            "[2147483649]+  Pending  0.0 s  Task-2147483649");
  }

  @Test
  void aNoticeNamesAJobNumberedPastIntegerMaxValue() throws Exception {
    scheduleCoroutine(() -> 1);
    scheduleCoroutine(() -> 2);
    PrintStream err = System.err;
    ByteArrayOutputStream notices = new ByteArrayOutputStream();
    System.setErr(new PrintStream(notices, true, StandardCharsets.UTF_8));
    try {
      runInForeground(sleep(ZERO));
    } finally {
      System.setErr(err);
    }

    assertThat(notices.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "[2147483647]-  Done  Task-2147483647", "[2147483648]+  Done  Task-2147483648");
  }
}
