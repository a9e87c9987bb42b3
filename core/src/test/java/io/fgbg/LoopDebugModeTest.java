package io.fgbg;

import static io.fgbg.Fgbg.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * asyncio's debug mode: a lower slow-step threshold, and reports that say where a task was made.
 */
class LoopDebugModeTest {
  private final EventLoop loop = EventLoop.createVirtual();

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void debugModeLowersTheSlowStepThresholdTo100MillisAndBackTo1SecondWhenOff() {
    assertThat(loop.isDebug()).isFalse();
    assertThat(loop.slowStepThreshold()).isEqualTo(Duration.ofSeconds(1));
    loop.setDebug(true);
    assertThat(loop.isDebug()).isTrue();
    assertThat(loop.slowStepThreshold()).isEqualTo(Duration.ofMillis(100));
    loop.setDebug(false);
    assertThat(loop.slowStepThreshold()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void inDebugModeAFailureNobodyRetrievedSaysWhereItsTaskWasMade() throws Exception {
    List<ExceptionContext> seen = new ArrayList<>();
    loop.setExceptionHandler((l, context) -> seen.add(context));
    loop.setDebug(true);
    runInForeground(
        () -> {
          scheduleCoroutine(
              () -> {
                throw new IllegalArgumentException("bad input");
              });
          return null;
        },
        loop);
    loop.close();
    assertThat(seen).hasSize(1);
    String text = LoopExceptions.text(seen.get(0), null);
    assertThat(text)
        .startsWith("Task exception was never retrieved" + System.lineSeparator() + "task: Task-2 (created at io.fgbg.LoopDebugModeTest.lambda$")
        .contains("LoopDebugModeTest.java:");
  }

  @Test
  void withoutDebugModeNoCreationSiteIsKept() throws Exception {
    Task<Object> task = scheduleCoroutine(() -> null, loop);
    assertThat(((AbstractTask<?>) task).creationSite()).isEmpty();
    runInForeground(task, loop);
  }
}
