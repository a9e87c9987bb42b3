package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task whose thread cannot start, as when no memory is left for one, fails with that error
 * without running, and nothing else is lost: whoever awaits it gets the error, the tasks after it
 * run, and the loop is usable afterwards. Whichever thread starts it: a suspended task, the run's
 * caller, or the run itself for its first task.
 *
 * <p>The dispatcher's thread factory is replaced by one that refuses the tasks named in {@code
 * doomed}, either by throwing from the factory (the thread cannot be made) or by giving a thread
 * whose {@code start()} throws (it cannot be started).
 */
@Timeout(60) // a task dropped with its failed thread would leave its awaiter waiting for ever
class TaskThreadStartFailureTest extends LoopTestSupport {
  private final Set<String> doomed = new HashSet<>();
  private boolean failInStart;

  @BeforeEach
  void refuseTheDoomedTasksThreads() {
    Dispatcher.TaskThreadFactory real = loop.dispatcher.threadFactory;
    loop.dispatcher.threadFactory =
        (task, body) -> {
          if (!doomed.contains(task.name())) {
            return real.newThread(task, body);
          }
          if (!failInStart) {
            throw new OutOfMemoryError("no memory for the thread of " + task.name());
          }
          Thread spent = Thread.ofVirtual().start(() -> {});
          try {
            spent.join();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          return spent; // its start() throws IllegalThreadStateException
        };
  }

  @Test
  void aTaskStartedByASuspendedTaskFailsWithTheFactorysErrorAndItsAwaiterGetsIt()
      throws Exception {
    Task<Integer> refused = scheduleCoroutine(() -> ran("refused", 1));
    refused.setName("refused");
    doomed.add("refused");
    scheduleCoroutine(() -> ran("after", 2));

    runInForeground(
        () -> {
          try {
            await(refused);
          } catch (OutOfMemoryError e) {
            log("awaiter got: " + e.getMessage());
          }
          return null;
        });

    assertThat(events).containsExactly("after ran", "awaiter got: no memory for the thread of refused");
    assertThat(refused.exception()).isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void aTaskStartedByTheRunsCallerFailsWithTheStartsErrorAndTheRunGoesOn() throws Exception {
    failInStart = true;
    Task<Integer> refused = scheduleCoroutine(() -> ran("refused", 1));
    refused.setName("refused");
    doomed.add("refused");
    Task<Integer> after = scheduleCoroutine(() -> ran("after", 2));

    assertThat(runInForeground(after)).isEqualTo(2); // the caller dispatches: refused, then after

    assertThat(events).containsExactly("after ran");
    assertThat(refused.exception()).isExactlyInstanceOf(IllegalThreadStateException.class);
  }

  @Test
  void aForegroundCoroutineWhoseThreadCannotStartThrowsTheErrorAndTheLoopRunsOn()
      throws Exception {
    Task<Integer> waiting = scheduleCoroutine(() -> ran("waiting", 3));
    doomed.add("Task-2"); // the next task made: the foreground one

    assertThatThrownBy(() -> runInForeground(() -> ran("foreground", 1)))
        .isExactlyInstanceOf(OutOfMemoryError.class)
        .hasMessage("no memory for the thread of Task-2");
    assertThat(events).isEmpty();

    assertThat(runInForeground(waiting)).isEqualTo(3);
    assertThat(runInForeground(() -> ran("next", 2))).isEqualTo(2);
    assertThat(events).containsExactly("waiting ran", "next ran");
  }

  /**
   * Closes the loop as every test's does, but from another thread and within 30 s: a task lost
   * with its thread would never end, and close() would wait for it for ever.
   */
  @Override
  @AfterEach
  void closeTheLoop() {
    Thread closer = Thread.ofPlatform().start(loop::close);
    try {
      closer.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      EventLoop.setCurrent(null);
    }
    assertThat(closer.isAlive()).as("close() ended: no task was left that can never end").isFalse();
  }

  private int ran(String name, int result) {
    log(name + " ran");
    return result;
  }
}
