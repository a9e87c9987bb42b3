package io.fgbg.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.api.Test;

/**
 * A coroutine that blocks the loop, typed at the fgbg shell's prompt: the slow-step line shows up
 * while it blocks, Ctrl-C gets the prompt back, and afterwards the session knows what holds the
 * loop instead of hanging. Ctrl-C is JShell's own stop, as the terminal sends it.
 */
class ShellBlockedLoopTest {

  @Test
  void aSleepInsideACoroutineIsReportedWithinASecondAndOneCtrlCEndsIt() throws Exception {
    try (JShellSession session = new JShellSession()) {
      Thread ctrlC = stopOnOutput(session, "has held the loop for", 1);
      long start = System.nanoTime();
      List<SnippetEvent> events =
          session.shell.eval("runInForeground(() -> { Thread.sleep(60_000); return 1; })");
      double seconds = (System.nanoTime() - start) / 1e9;
      ctrlC.join();

      assertThat(seconds).as("one Ctrl-C ends the sleep, long before its 60 s").isLessThan(30);
      assertThat(events.get(events.size() - 1).status().isDefined()).isTrue();
      assertThat(session.output())
          .containsPattern(
              "Task-1 has held the loop for 1\\.\\d s without awaiting, at \\S+: a blocking call"
                  + " inside a coroutine\\? use callInBackground");
      assertThat(session.eval("EventLoop.current().isRunning()")).isEqualTo("false");
      assertThat(session.eval("allTasks()")).as("the blocked task is done").isEqualTo("[]");
      assertThat(session.eval("runInForeground(sleep(ZERO, \"usable\"))"))
          .as("the loop is usable at once")
          .isEqualTo("\"usable\"");
    }
  }

  @Test
  void aSpinningCoroutineLeavesThePromptAJobTableThatMarksItAndCallsThatFailAtOnce()
      throws Exception {
    try (JShellSession session = new JShellSession()) {
      session.eval("class Spin { static volatile boolean on = true; static long n; }");
      Thread ctrlC = stopOnOutput(session, "has held the loop for", 2);
      long start = System.nanoTime();
      session.shell.eval("runInForeground(() -> { while (Spin.on) Spin.n++; return 1; })");
      ctrlC.join();
      assertThat((System.nanoTime() - start) / 1e9).as("the prompt comes back").isLessThan(30);
      try {
        long before = System.nanoTime();
        String table = jobsTable(session);
        assertThat((System.nanoTime() - before) / 1e9).as("jobs() answers at once").isLessThan(5);
        assertThat(table)
            .containsPattern(
                "\\[1\\]\\+? +Stuck +\\d+\\.\\d s +Task-1 +holding the loop for \\d+\\.\\d s"
                    + " without awaiting, at ");

        List<SnippetEvent> refused = session.shell.eval("allTasks()");
        assertThat(refused.get(refused.size() - 1).exception())
            .as("a call that needs the loop fails at once, naming the step")
            .isNotNull()
            .hasMessageStartingWith("the event loop is held by Task-1, whose step has not returned");
      } finally {
        session.eval("Spin.on = false");
      }
      assertThat(session.evalUntil("EventLoop.current().isRunning()", "false"))
          .as("once the step returns, the loop is free")
          .isEqualTo("false");
      assertThat(session.eval("runInForeground(sleep(ZERO, \"usable\"))")).isEqualTo("\"usable\"");
    }
  }

  /** What {@code jobs()} prints, from the moment it is typed. */
  private static String jobsTable(JShellSession session) throws InterruptedException {
    session.eval("System.out.println(\"<jobs>\")");
    session.eval("jobs()");
    session.eval("System.out.println(\"</jobs>\")");
    assertThat(session.awaitOutput("</jobs>")).isTrue();
    String out = session.output();
    return out.substring(out.lastIndexOf("<jobs>"), out.lastIndexOf("</jobs>"));
  }

  /** Presses Ctrl-C {@code times} times, once the session has printed {@code text}. */
  private static Thread stopOnOutput(JShellSession session, String text, int times) {
    return Thread.ofPlatform()
        .start(
            () -> {
              try {
                if (session.awaitOutput(text)) {
                  for (int i = 0; i < times; i++) {
                    session.shell.stop();
                    Thread.sleep(300); // a person's second press
                  }
                }
              } catch (InterruptedException e) {
                // the test is over
              }
            });
  }
}
