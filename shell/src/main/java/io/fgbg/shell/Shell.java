package io.fgbg.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.prefs.Preferences;
import jdk.jshell.tool.JavaShellToolBuilder;

/**
 * The interactive fgbg shell: JShell with fgbg on the class path and a startup that imports
 * {@code io.fgbg.*}, {@code static io.fgbg.Fgbg.*} and the {@code java.time.Duration} factories,
 * so that the proposal's sessions can be typed almost as written.
 *
 * <pre>{@code
 * jshell> var t = scheduleCoroutine(() -> { System.out.println("hi"); return 42; });
 * jshell> runInForeground(t)
 * hi
 * $2 ==> 42
 * }</pre>
 *
 * <p>Run it with {@code bin/fgbg}. Snippets run in JShell's usual remote agent, one thread for
 * every snippet, so {@code EventLoop.current()} is the same loop from one prompt to the next, and
 * what background threads print shows up as they print it. Ctrl-C during a {@code
 * runInForeground} returns to the prompt: the task in the foreground (made by that call or handed
 * to it) is cancelled and runs its cleanup first; other tasks keep their state and go on at the
 * next foreground run. A coroutine that blocks the loop is reported on standard error after a
 * second, and Ctrl-C interrupts its blocking call; see the README's shell section for a step that
 * ignores interrupts.
 */
public final class Shell {
  /**
   * The fgbg part of the startup, after JShell's default imports. The property tells the library
   * it runs at a prompt: slow-step reports and errors go straight to {@code System.err}, one
   * readable line, rather than through {@code System.Logger}.
   */
  static final String STARTUP =
      """
      import io.fgbg.*;
      import static io.fgbg.Fgbg.*;
      import static java.time.Duration.*;
      System.setProperty("fgbg.interactive", "true");
      """;

  static final String GREETING =
      """
      fgbg shell: JShell with io.fgbg.*, Fgbg's static methods and Duration's factories imported.
        scheduleCoroutine(coro) is '&', runInForeground(task or coro) is 'fg', jobs() lists the
        jobs, job(n) gives one; Ctrl-C stops a foreground run; /exit leaves.
        A coroutine that blocks holds the loop: fgbg says so after a second; Ctrl-C interrupts it.""";

  private Shell() {}

  /**
   * Starts the shell on the terminal; arguments are passed on to JShell (options, script files).
   * Exits with JShell's status, or 3 if this Java runtime has no JShell.
   *
   * @param args JShell options and files
   * @throws Exception if JShell cannot start
   */
  public static void main(String[] args) throws Exception {
    String missing = missingModules();
    if (!missing.isEmpty()) {
      System.err.println(noJShellMessage(missing));
      System.exit(3);
    }
    System.out.println(GREETING);
    System.exit(Tool.start(null, System.out, System.err, null, args));
  }

  /** The JDK modules the shell needs that this runtime lacks, e.g. "jdk.jshell", or "". */
  static String missingModules() {
    List<String> missing = new ArrayList<>();
    for (String module : List.of("jdk.jshell", "jdk.jdi")) {
      if (ModuleLayer.boot().findModule(module).isEmpty()) {
        missing.add(module);
      }
    }
    return String.join(", ", missing);
  }

  static String noJShellMessage(String missing) {
    return "fgbg: the shell needs JShell, which this Java runtime ("
        + System.getProperty("java.home")
        + ") lacks (missing: "
        + missing
        + ").\n"
        + "A full JDK 21 or later has it (a JRE does not). Install one, for example:\n"
        + "  Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk      (or openjdk-25-jdk)\n"
        + "  any system:     a Temurin JDK from adoptium.net\n"
        + "then point JAVA_HOME at it. The demos need no JShell: bin/fgbg demo";
  }

  /** What touches jdk.jshell, apart, so that a runtime without it gets the message above. */
  static final class Tool {
    private Tool() {}

    /**
     * Runs JShell with fgbg on the class path and the startup; returns its exit status.
     *
     * @param in the commands, or null for the terminal ({@code System.in})
     * @param out where JShell and the snippets print
     * @param err where errors go
     * @param prefs JShell's settings and history, or null for the fgbg shell's own preferences
     * @param args more JShell options and files
     */
    static int start(
        InputStream in, PrintStream out, PrintStream err, Map<String, String> prefs, String[] args)
        throws Exception {
      Path startup = Files.createTempFile("fgbg-startup-", ".jsh");
      try {
        Files.writeString(startup, STARTUP);
        List<String> all = new ArrayList<>();
        all.addAll(
            List.of(
                "--class-path", System.getProperty("java.class.path"),
                "--startup", "DEFAULT",
                "--startup", startup.toString()));
        all.addAll(List.of(args));
        JavaShellToolBuilder builder = JavaShellToolBuilder.builder().out(out).err(err);
        if (in != null) {
          builder.in(in, null);
        }
        if (prefs != null) {
          builder.persistence(prefs);
        } else { // a history of its own, apart from plain jshell's
          builder.persistence(Preferences.userRoot().node("io/fgbg/shell"));
        }
        return builder.start(all.toArray(String[]::new));
      } finally {
        deleteQuietly(startup);
      }
    }

    private static void deleteQuietly(Path file) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temporary file: the system cleans it up
      }
    }
  }
}
