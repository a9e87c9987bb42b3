package io.fgbg.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.fgbg.EventLoop;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.api.Test;

/**
 * "The loop is left consistent whatever stops the calling thread": JShell's Ctrl-C stops a running
 * snippet with an exception thrown into its thread from outside (through the debugger interface),
 * wherever that thread is, which is neither an interrupt nor anything the loop can see coming.
 */
class ForeignStopTest {

  @Test
  void aForegroundRunStoppedFromOutsideLeavesTheLoopIdleAndItsTasksResumable() throws Exception {
    try (JShell shell = JShell.create()) {
      shell.addToClasspath(libraryClasses());
      eval(shell, "import io.fgbg.*;");
      eval(shell, "import static io.fgbg.Fgbg.*;");
      eval(shell, "import static java.time.Duration.*;");
      eval(shell, "var ticks = new java.util.concurrent.atomic.AtomicInteger();");
      eval(
          shell,
          "Task<Void> ticker = scheduleCoroutine(() -> {"
              + " while (true) { ticks.incrementAndGet(); await(sleep(ofMillis(20))); } });");

      Thread ctrlC =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      Thread.sleep(1000); // the ticker's loop runs in the snippet meanwhile
                    } catch (InterruptedException e) {
                      return;
                    }
                    shell.stop();
                  });
      long start = System.nanoTime();
      shell.eval("runInForeground(sleep(ofSeconds(60)));");
      ctrlC.join();
      assertThat((System.nanoTime() - start) / 1e9).as("stopped, not run to the end").isLessThan(30);

      assertThat(evalUntil(shell, "EventLoop.current().isRunning()", "false"))
          .as("the loop is released")
          .isEqualTo("false");
      int before = Integer.parseInt(eval(shell, "ticks.get()"));
      Thread.sleep(200);
      assertThat(Integer.parseInt(eval(shell, "ticks.get()")))
          .as("nobody runs the loop: the ticker waits")
          .isEqualTo(before);
      assertThat(eval(shell, "runInForeground(sleep(ofMillis(200), \"again\"))"))
          .isEqualTo("\"again\"");
      assertThat(Integer.parseInt(eval(shell, "ticks.get()")))
          .as("the ticker resumed in the next foreground run")
          .isGreaterThan(before);
      assertThat(eval(shell, "ticker.isDone()")).isEqualTo("false");
    }
  }

  private static String libraryClasses() throws URISyntaxException {
    return Path.of(EventLoop.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
  }

  /** Evaluates one snippet; returns its value, failing on a rejected snippet or an exception. */
  private static String eval(JShell shell, String snippet) {
    List<SnippetEvent> events = shell.eval(snippet);
    SnippetEvent last = events.get(events.size() - 1);
    assertThat(last.exception()).as(snippet).isNull();
    assertThat(last.status().isDefined()).as("%s: %s", snippet, last.status()).isTrue();
    return last.value();
  }

  /** Evaluates {@code snippet} until it gives {@code expected}, for 10 s at most. */
  private static String evalUntil(JShell shell, String snippet, String expected)
      throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    String value = eval(shell, snippet);
    while (!expected.equals(value) && System.nanoTime() < end) {
      Thread.sleep(20);
      value = eval(shell, snippet);
    }
    return value;
  }
}
