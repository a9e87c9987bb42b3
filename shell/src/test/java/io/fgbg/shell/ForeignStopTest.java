package io.fgbg.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * "The loop is left consistent whatever stops the calling thread": JShell's Ctrl-C stops a running
 * snippet with an exception thrown into its thread from outside (through the debugger interface),
 * wherever that thread is, which is neither an interrupt nor anything the loop can see coming.
 */
class ForeignStopTest {

  @Test
  void aForegroundRunStoppedFromOutsideLeavesTheLoopIdleAndItsTasksResumable() throws Exception {
    try (JShellSession session = new JShellSession()) {
      session.eval("var ticks = new java.util.concurrent.atomic.AtomicInteger();");
      session.eval(
          "Task<Void> ticker = scheduleCoroutine(() -> { while (true) {"
              + " if (ticks.incrementAndGet() == 10) System.out.println(\"ticked 10 times\");"
              + " await(sleep(ofMillis(20))); } });");

      Thread ctrlC = ctrlCOnOutput(session, "ticked 10 times"); // while the loop runs the ticker
      long start = System.nanoTime();
      session.shell.eval("runInForeground(sleep(ofSeconds(60)));");
      ctrlC.join();
      assertThat((System.nanoTime() - start) / 1e9).as("stopped, not run to the end").isLessThan(30);

      assertThat(session.evalUntil("EventLoop.current().isRunning()", "false"))
          .as("the loop is released")
          .isEqualTo("false");
      int before = Integer.parseInt(session.eval("ticks.get()"));
      assertThat(session.eval("allTasks().size()")).as("the sleep it ran is gone").isEqualTo("1");
      assertThat(Integer.parseInt(session.eval("ticks.get()")))
          .as("nobody runs the loop: the ticker waits")
          .isEqualTo(before);
      assertThat(session.eval("runInForeground(sleep(ofMillis(200), \"again\"))"))
          .isEqualTo("\"again\"");
      assertThat(Integer.parseInt(session.eval("ticks.get()")))
          .as("the ticker resumed in the next foreground run")
          .isGreaterThan(before);
      assertThat(session.eval("ticker.isDone()")).isEqualTo("false");
    }
  }

  @Test
  void theTaskAStoppedRunMadeIsCancelledAndCleansUpBeforeThePromptReturns() throws Exception {
    try (JShellSession session = new JShellSession()) {
      session.eval("var ticks = new java.util.concurrent.atomic.AtomicInteger();");
      session.eval("var log = new java.util.concurrent.CopyOnWriteArrayList<String>();");
      session.eval(
          "Task<Void> ticker = scheduleCoroutine(() -> {"
              + " while (true) { ticks.incrementAndGet(); await(sleep(ofMillis(20))); } });");

      Thread ctrlC = ctrlCOnOutput(session, "foreground started");
      session.shell.eval(
          "runInForeground(() -> {"
              + " try { System.out.println(\"foreground started\"); await(sleep(ofSeconds(60)));"
              + " return 1; }"
              + " finally { log.add(\"cleanup of \" + currentTask().name() + \": \""
              + " + (currentTask().isCancelled() ? \"done\" : \"cancelling\")); } })");
      ctrlC.join();

      assertThat(session.eval("log")).isEqualTo("[cleanup of Task-2: cancelling]");
      assertThat(session.eval("allTasks()"))
          .as("only the background ticker is left; the foreground task is done")
          .isEqualTo("[Task[Task-1, pending]]");
      assertThat(session.eval("EventLoop.current().isRunning()")).isEqualTo("false");
      int before = Integer.parseInt(session.eval("ticks.get()"));
      session.eval("runInForeground(sleep(ofMillis(200)))");
      assertThat(Integer.parseInt(session.eval("ticks.get()")))
          .as("the ticker resumed in the next foreground run")
          .isGreaterThan(before);
    }
  }

  /** Stops the session's running snippet, as Ctrl-C does, once it has printed {@code text}. */
  private static Thread ctrlCOnOutput(JShellSession session, String text) {
    return Thread.ofPlatform()
        .start(
            () -> {
              try {
                if (session.awaitOutput(text)) {
                  session.shell.stop();
                }
              } catch (InterruptedException e) {
                // the test is over
              }
            });
  }
}
