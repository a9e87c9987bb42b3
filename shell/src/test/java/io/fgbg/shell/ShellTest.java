package io.fgbg.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.fgbg.EventLoop;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The interactive shell ({@code bin/fgbg}): the JShell tool as {@link Shell} starts it, fed with
 * typed lines, and JShell sessions for what happens between prompts.
 */
class ShellTest {

  /** Runs the shell with {@code typed} as the keyboard; returns all it printed. */
  private static String session(String typed) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    int status =
        Shell.Tool.start(
            new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
            out,
            out,
            new HashMap<>(), // not the user's JShell settings and history
            new String[0]);
    assertThat(status).isZero();
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aTaskScheduledAtThePromptGivesItsResultInTheForeground() throws Exception {
    String printed =
        session(
            """
            var t = scheduleCoroutine(() -> { System.out.println("hi"); return 42; });
            runInForeground(t)
            /exit
            """);
    assertThat(printed).contains("t ==> Task[Task-1, pending]", "hi", "$2 ==> 42");
  }

  @Test
  void theProposalsTickerSessionCanBeTypedAlmostAsWritten() throws Exception {
    String printed =
        session(
            """
            Coroutine<Void> ticker = () -> {
                for (int i = 0; ; i++) {
                    System.out.println(i);
                    await(sleep(ofMillis(100)));
                }
            };
            Task<Void> ticker1 = scheduleCoroutine(ticker);
            runInForeground(sleep(ofMillis(450)));
            System.out.println("resuming");
            runInForeground(sleep(ofMillis(250)));
            jobs()
            ticker1.cancel()
            runInForeground(sleep(ZERO))
            /exit
            """);
    List<String> lines = printed.lines().map(String::strip).toList();
    assertThat(lines)
        .anyMatch(line -> line.matches("\\[1]\\+  Waiting  \\d+\\.\\d s  Task-1  sleep of Task-1"))
        .anyMatch(line -> line.endsWith("[1]+  Cancelled  Task-1"));
    // what the ticker printed, and where the user typed in between (how many ticks fit in a run
    // depends on the machine's pace; that it resumes where it left off does not)
    List<String> ticks =
        lines.stream().filter(line -> line.matches("\\d+") || line.equals("resuming")).toList();
    int resumed = ticks.indexOf("resuming");
    assertThat(ticks.subList(0, 3)).containsExactly("0", "1", "2");
    assertThat(resumed).isPositive().isLessThan(ticks.size() - 1);
    assertThat(ticks.get(resumed + 1)).isEqualTo(String.valueOf(resumed));
  }

  @Test
  void theProposalsEchoSessionCanBeTypedAlmostAsWritten() throws Exception {
    String printed =
        session(
            """
            ConnectionHandler handleTcpEcho = (reader, writer) -> {
                String message = await(reader.readLine());
                System.out.println("Server received " + message);
                writer.write(message + "\\n");
                await(writer.drain());
            };
            Coroutine<String> tcpEchoClient(String message, int port) {
                return () -> {
                    Connection c = await(openConnection("127.0.0.1", port));
                    c.writer().write(message + "\\n");
                    return await(c.reader().readLine());
                };
            }
            Server server = runInForeground(startServer(handleTcpEcho, "", 0));
            Server server2 = runInForeground(startServer(handleTcpEcho, "", 0));
            var echo1 = scheduleCoroutine(tcpEchoClient("Hello World!", server.port()));
            var echo2 = scheduleCoroutine(tcpEchoClient("Hello World!", server2.port()));
            runInForeground(waitTasks(List.of(echo1, echo2))).pending().size()
            echo1.result() + " / " + echo2.result()
            server.close(); server2.close();
            /exit
            """);
    assertThat(printed)
        .contains("Server received Hello World!", "==> 0", "==> \"Hello World! / Hello World!\"")
        .doesNotContain("Exception", "Error");
  }

  @Test
  void theEchoDemoReplaysTheSessionNarrated() throws Exception {
    String classPath = codeSource(Demos.class) + File.pathSeparator + codeSource(EventLoop.class);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process demo =
        new ProcessBuilder(java, "-cp", classPath, Demos.class.getName(), "echo")
            .redirectErrorStream(true)
            .start();
    demo.getOutputStream().close();
    String printed = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(demo.exitValue()).as(printed).isZero();
    assertThat(printed)
        .contains(
            "jshell> runInForeground(waitTasks(List.of(echo1, echo2)))",
            "[Hello World!, Hello World!]",
            "Hello from a thread",
            "closed, 0 connections");
  }

  @Test
  void thePipelineDemoStepsAProducerAndAConsumerThroughABoundedQueue() throws Exception {
    String classPath = codeSource(Demos.class) + File.pathSeparator + codeSource(EventLoop.class);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process demo =
        new ProcessBuilder(java, "-cp", classPath, Demos.class.getName(), "pipeline")
            .redirectErrorStream(true)
            .start();
    demo.getOutputStream().close();
    String printed = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(demo.exitValue()).as(printed).isZero();
    String steps = printed.substring(printed.indexOf("jshell> Task<Void> c = scheduleCoroutine"));
    // the age column is real time: read as "A s" whatever it says
    assertThat(steps.lines().map(l -> l.stripTrailing().replaceAll("\\d+\\.\\d s", "A s")).toList())
        .containsSubsequence(
            "[1]+  Waiting  A s  consumer  get of queue",
            "put a, size 1",
            "put b, size 2",
            "[1]-  Ready    A s  consumer",
            "[3]+  Waiting  A s  producer  put of queue",
            "    got a",
            "put c, size 2",
            "    got b",
            "put d, size 2",
            "    got c",
            "    got d",
            "    queue shut down and empty: consumer ends",
            "AsyncQueue(maxSize=2 shutdown)");
  }

  @Test
  void theJobsDemoRunsChildProcessesAsJobsCancelsOneAndInterruptsAForegroundWaitExit()
      throws Exception {
    String classPath = codeSource(Demos.class) + File.pathSeparator + codeSource(EventLoop.class);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process demo =
        new ProcessBuilder(java, "-cp", classPath, Demos.class.getName(), "jobs")
            .redirectErrorStream(true)
            .start();
    demo.getOutputStream().close();
    String printed = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(demo.exitValue()).as(printed).isZero();
    // the age column is real time, the PIDs are the system's: read as "A s" and "pid N"
    List<String> lines =
        printed.lines()
            .map(
                l ->
                    l.stripTrailing()
                        .replaceAll("\\d+\\.\\d s", "A s")
                        .replaceAll("pid \\d+", "pid N"))
            .toList();
    assertThat(lines)
        .containsSubsequence(
            "jshell> jobs()",
            "[2]   Running  A s  Task-2  pid N: /bin/sh -c 'i=1; while :; do echo tick $i;"
                + " i=$((i+1)); sleep 0.3; done'",
            "[4]   Running  A s  Task-4  pid N: sh -c 'for i in 1 2 3; do echo count $i; sleep"
                + " 0.5; done'",
            "[6]   Running  A s  Task-6  pid N: sleep 60",
            "jshell> runInForeground(counter.waitExit())   // the loop runs: both outputs, as they"
                + " come",
            "counter: count 1",
            "counter: count 2",
            "counter: count 3",
            "0",
            "jshell> job(2).cancel()",
            "true",
            "jshell> ticker.returnCode()   // -15: ended by fgbg's SIGTERM",
            "-15",
            "jshell> runInForeground(sleeper.waitExit())   // Ctrl-C a second later",
            "^C",
            "|  Exception java.lang.InterruptedException: foreground run of Task-10 interrupted"
                + " (cancelled)",
            "jshell> sleeper.returnCode()",
            "-15");
    // what the ticker printed while the loop ran, in its own order, among the counter's lines
    List<String> ticks = lines.stream().filter(l -> l.startsWith("ticker: ")).toList();
    assertThat(ticks).isNotEmpty();
    for (int i = 0; i < ticks.size(); i++) {
      assertThat(ticks.get(i)).isEqualTo("ticker: tick " + (i + 1));
    }
    // the last table lists no child
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo("jshell> jobs()   // nothing left: every child has exited and been reaped");
  }

  @Test
  void whatABackgroundThreadPrintsWhileThePromptWaitsShowsUp() throws Exception {
    try (JShellSession session = new JShellSession()) {
      session.eval(
          "var call = callInBackground(() -> {"
              + " System.out.println(\"out of a background thread\");"
              + " System.err.println(\"err of a background thread\"); return 1; });");
      // no snippet runs now: the thread prints on its own
      assertThat(session.awaitOutput("out of a background thread")).isTrue();
      assertThat(session.awaitOutput("err of a background thread")).isTrue();
      assertThat(session.eval("runInForeground(call)")).isEqualTo("1");
    }
  }

  @Test
  void aBackgroundFailureIsReportedWhenTheNextForegroundRunReturns() throws Exception {
    try (JShellSession session = new JShellSession()) {
      session.eval(
          "var fetch = callInBackground(() -> {"
              + " throw new java.io.IOException(\"connection reset\"); });");
      session.eval(
          "runInForeground(() -> { while (!fetch.isDone()) await(sleep(ofMillis(10)));"
              + " return null; })");
      assertThat(session.awaitOutput("[1]+  Failed  Task-1  IOException: connection reset"))
          .as(session.output())
          .isTrue();
      session.eval("runInForeground(sleep(ZERO))");
      session.eval("jobs()");
      assertThat(session.output().split("connection reset", -1)).as("reported once").hasSize(2);
      assertThat(session.eval("job(1).exception().getMessage()"))
          .isEqualTo("\"connection reset\"");
    }
  }

  @Test
  void aJavaRuntimeWithoutJShellGetsToKnowWhatToInstall() throws Exception {
    String classPath =
        String.join(
            File.pathSeparator, codeSource(EventLoop.class), codeSource(Shell.class));
    Process shell =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--limit-modules",
                "java.base,java.prefs",
                "-cp",
                classPath,
                Shell.class.getName())
            .redirectErrorStream(true)
            .start();
    shell.getOutputStream().close();
    String printed = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(shell.exitValue()).isEqualTo(3);
    assertThat(printed)
        .startsWith("fgbg: the shell needs JShell, which this Java runtime (")
        .contains("(missing: jdk.jshell, jdk.jdi)", "A full JDK 21 or later has it");
  }

  private static String codeSource(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @Test
  void theStartupImportsTheShellModelAndDurationsAndMarksTheSessionInteractive() {
    assertThat(Shell.STARTUP.lines().toList())
        .isEqualTo(
            List.of(
                "import io.fgbg.*;",
                "import static io.fgbg.Fgbg.*;",
                "import static java.time.Duration.*;",
                "System.setProperty(\"fgbg.interactive\", \"true\");"));
  }
}
