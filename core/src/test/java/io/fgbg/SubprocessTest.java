package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child processes with real commands ({@code sh}, {@code cat}, {@code sleep}): output streamed as
 * the child writes it, stdin written and closed, {@code communicate}, exit codes, a command that
 * cannot start, and the options.
 */
class SubprocessTest extends SubprocessLoopSupport {

  // ---------------------------------------------------------------- streaming

  @Test
  void eachLineIsReadAsTheChildWritesItWhileTheChildWaitsForTheReader() throws Exception {
    // the child writes a line, then waits for an answer before the next one: unless each line
    // reaches the reader while the child is still running, this cannot finish
    Subprocess p =
        shell("for i in 1 2 3; do echo line $i; read answer; done; echo done", inAndOut());
    List<String> events =
        foreground(
            () -> {
              List<String> got = new ArrayList<>();
              for (int i = 1; i <= 3; i++) {
                got.add(await(p.stdout().readLine()));
                got.add("answer " + i + ", the child still running: " + (p.returnCode() == null));
                p.stdin().write("ok\n");
              }
              got.add(await(p.stdout().readLine()));
              got.add(String.valueOf(await(p.stdout().readLine())));
              got.add("exit " + await(p.waitExit()));
              return got;
            });
    assertThat(events)
        .containsExactly(
            "line 1",
            "answer 1, the child still running: true",
            "line 2",
            "answer 2, the child still running: true",
            "line 3",
            "answer 3, the child still running: true",
            "done",
            "null",
            "exit 0");
  }

  @Test
  void aShellLoopThatPrintsWithSleepsInBetweenIsReadLineByLineInOrder() throws Exception {
    Subprocess p =
        shell(
            "for i in 1 2 3 4 5; do echo tick $i; sleep 0.1; done",
            SubprocessOptions.pipes().stdin(Redirect.DISCARD));
    List<String> lines =
        foreground(
            () -> {
              List<String> got = new ArrayList<>();
              for (String line; (line = await(p.stdout().readLine())) != null; ) {
                got.add(line);
              }
              got.add("stderr: " + text(await(p.stderr().read(-1))));
              got.add("exit " + await(p.waitExit()));
              return got;
            });
    assertThat(lines)
        .containsExactly("tick 1", "tick 2", "tick 3", "tick 4", "tick 5", "stderr: ", "exit 0");
  }

  @Test
  void yesThroughHeadGivesExactlyTheLinesHeadLetsThrough() throws Exception {
    Subprocess p = shell("yes fgbg | head -n 10000", SubprocessOptions.pipes());
    Output out = foreground(p.communicate(null));
    List<String> lines = text(out.stdout()).lines().toList();
    assertThat(lines).hasSize(10_000).containsOnly("fgbg");
    assertThat(out.stderr()).isEmpty();
    assertThat(out.exitCode()).isZero();
  }

  // ---------------------------------------------------------------- stdin

  @Test
  void whatIsWrittenToStdinComesBackFromCatAndClosingStdinEndsIt() throws Exception {
    Subprocess cat = exec(inAndOut(), "cat");
    List<String> events =
        foreground(
            () -> {
              List<String> got = new ArrayList<>();
              cat.stdin().write("first\n");
              got.add(await(cat.stdout().readLine()));
              cat.stdin().write("second\nthird\n".getBytes(UTF_8));
              await(cat.stdin().drain());
              got.add(await(cat.stdout().readLine()));
              got.add(await(cat.stdout().readLine()));
              cat.stdin().close();
              got.add(String.valueOf(await(cat.stdout().readLine())));
              got.add("atEof " + cat.stdout().atEof());
              got.add("exit " + await(cat.waitExit()));
              await(cat.stdin().waitClosed());
              got.add("stdin closing " + cat.stdin().isClosing());
              return got;
            });
    assertThat(events)
        .containsExactly(
            "first", "second", "third", "null", "atEof true", "exit 0", "stdin closing true");
    assertThat(cat.stdin().peerAddress()).isNull();
    assertThatThrownBy(() -> cat.stdin().write("late"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("write() after close() of the writer to stdin of process " + cat.pid());
  }

  @Test
  void stdinWrittenFromThePromptBetweenForegroundRunsReachesTheChild() throws Exception {
    Subprocess cat = exec(inAndOut(), "cat");
    cat.stdin().write("typed at the prompt\n"); // the loop is idle: write takes it briefly
    cat.stdin().close();
    assertThat(foreground(cat.stdout().readLine())).isEqualTo("typed at the prompt");
    assertThat(foreground(cat.waitExit())).isZero();
  }

  @Test
  void drainWaitsWhileTheChildDoesNotReadAndThrowsOnceItHasExitedWithoutReading()
      throws Exception {
    // asyncio's test_stdin_broken_pipe: the child exits without reading what it was sent
    Subprocess p = shell("read first; echo got $first; exec sleep 60", inAndOut());
    byte[] lots = new byte[1 << 20];
    List<String> events =
        foreground(
            () -> {
              List<String> got = new ArrayList<>();
              p.stdin().write("hello\n");
              got.add(await(p.stdout().readLine()));
              p.stdin().write(lots); // far more than a pipe holds: the writer pauses
              Task<Void> drain = scheduleCoroutine(p.stdin().drain());
              WaitResult early = await(waitTasks(List.of(drain), java.time.Duration.ofMillis(200)));
              got.add("drain pending while the child sleeps: " + early.pending().contains(drain));
              p.kill();
              try {
                await(drain);
                got.add("drained?");
              } catch (IOException e) {
                got.add(e.getClass().getName() + ": " + e.getMessage());
              }
              got.add("exit " + await(p.waitExit()));
              try {
                await(p.stdin().drain());
              } catch (IOException e) {
                got.add("again: " + e.getMessage());
              }
              p.stdin().write("dropped, no error");
              return got;
            });
    assertThat(events)
        .containsExactly(
            "got hello",
            "drain pending while the child sleeps: true",
            "java.io.IOException: stdin of process " + p.pid()
                + " is closed: the child has exited or closed it",
            "exit -9",
            "again: stdin of process " + p.pid() + " is closed: the child has exited or closed it");
  }

  // ---------------------------------------------------------------- communicate

  @Test
  void communicateWritesClosesStdinReadsBothPipesToTheirEndAndGivesTheExitCode()
      throws Exception {
    Subprocess p =
        shell("cat; echo to stderr >&2; exit 4", SubprocessOptions.pipes());
    Output out = foreground(p.communicate("some data".getBytes(UTF_8)));
    assertThat(out).isEqualTo(new Output(utf8("some data"), utf8("to stderr\n"), 4));
    assertThat(out.toString())
        .isEqualTo("Output[stdout=\"some data\", stderr=\"to stderr\\n\", exitCode=4]");
    assertThat(p.returnCode()).isEqualTo(4);
  }

  @Test
  void communicateGivesNullForAStreamThatIsNotAPipeAsAsyncioGivesNone() throws Exception {
    Subprocess p =
        shell(
            "echo out; echo err >&2",
            SubprocessOptions.defaults().stdin(Redirect.DISCARD).stdout(Redirect.PIPE)
                .stderr(Redirect.DISCARD));
    assertThat(foreground(p.communicate(null))).isEqualTo(new Output(utf8("out\n"), null, 0));
  }

  @Test
  void communicateWithoutInputClosesStdinSoThatAChildReadingItEnds() throws Exception {
    Subprocess p = shell("wc -c", inAndOut());
    Output out = foreground(p.communicate(null));
    assertThat(text(out.stdout()).strip()).isEqualTo("0");
    assertThat(out.exitCode()).isZero();
  }

  @Test
  void communicateIgnoresAChildThatExitsWithoutReadingItsInput() throws Exception {
    // asyncio's test_communicate_ignore_broken_pipe
    Subprocess p = shell("exit 0", SubprocessOptions.pipes());
    Output out = foreground(p.communicate(new byte[4 << 20]));
    assertThat(out).isEqualTo(new Output(new byte[0], new byte[0], 0));
  }

  @Test
  void communicateWithInputButNoStdinPipeIsRefusedAtOnce() throws Exception {
    Subprocess p = exec(quiet(), "true");
    assertThatThrownBy(() -> p.communicate(new byte[1]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "communicate() was given input, but the stdin of process " + p.pid()
                + " is not a pipe: start it with SubprocessOptions.stdin(Redirect.PIPE)");
    assertThat(foreground(p.communicate(null))).isEqualTo(new Output(null, null, 0));
  }

  // ---------------------------------------------------------------- exit codes

  @Test
  void exitCodesAreTheChildsOwnOrMinusTheSignalFgbgSentOr128PlusASignalFromElsewhere()
      throws Exception {
    Subprocess exit3 = shell("exit 3", quiet());
    Subprocess killedBySelf = shell("kill -9 $$", quiet());
    Subprocess killed = exec(quiet(), "sleep", "60");
    Subprocess terminated = exec(quiet(), "sleep", "60");
    killed.kill();
    terminated.terminate();
    assertThat(
            foreground(
                gather(
                    List.of(
                        scheduleCoroutine(exit3.waitExit()),
                        scheduleCoroutine(killedBySelf.waitExit()),
                        scheduleCoroutine(killed.waitExit()),
                        scheduleCoroutine(terminated.waitExit())))))
        .containsExactly(3, 137, -9, -15);
    assertThat(
            List.of(
                exit3.returnCode(),
                killedBySelf.returnCode(),
                killed.returnCode(),
                terminated.returnCode()))
        .containsExactly(3, 137, -9, -15);
  }

  @Test
  void returnCodeIsNullWhileTheChildRunsAndKillAfterTheExitDoesNothing() throws Exception {
    Subprocess p = exec(inAndOut(), "cat");
    assertThat(p.returnCode()).isNull();
    p.stdin().close();
    assertThat(foreground(p.waitExit())).isZero();
    p.kill();
    p.terminate();
    assertThat(p.returnCode()).isZero();
    assertThat(foreground(p.waitExit())).as("a finished child's exit, again").isZero();
    assertReaped(p.pid());
  }

  @Test
  void waitExitReturnsWhenTheChildExitsWithoutWaitingForItsPipesWhatIsInThemStaysReadable()
      throws Exception {
    // more than a pipe holds: the child exits only once the pipe's thread has fed its reader,
    // and nobody reads that reader until waitExit has returned
    int size = 150 * 1024;
    Subprocess p =
        shell("head -c " + size + " /dev/zero; echo; echo bye >&2", SubprocessOptions.pipes());
    List<String> events =
        foreground(
            () -> {
              List<String> got = new ArrayList<>();
              got.add("exit " + await(p.waitExit()));
              got.add("stdout " + await(p.stdout().read(-1)).length + " bytes");
              got.add("stderr " + text(await(p.stderr().read(-1))).strip());
              return got;
            });
    assertThat(events).containsExactly("exit 0", "stdout " + (size + 1) + " bytes", "stderr bye");
  }

  // ---------------------------------------------------------------- cannot start

  @Test
  void aCommandThatDoesNotExistFailsWithAnIOExceptionNamingIt() throws Exception {
    Set<Task<?>> before = allTasks();
    assertThatThrownBy(
            () -> exec(SubprocessOptions.pipes(), "no-such-command-fgbg", "--flag", "two words"))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "cannot start no-such-command-fgbg --flag 'two words': No such file or directory")
        .cause()
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("Cannot run program \"no-such-command-fgbg\"");
    assertThat(allTasks()).as("no job is left for it").isEqualTo(before);
  }

  @Test
  void aDirectoryThatDoesNotExistIsNamedToo() throws Exception {
    assertThatThrownBy(
            () ->
                exec(
                    quiet().directory(Path.of("/no/such/directory/fgbg")), "true"))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "cannot start true in directory /no/such/directory/fgbg: No such file or directory");
  }

  @Test
  void aShellCommandThatDoesNotExistExitsWith127AsInAShell() throws Exception {
    Subprocess p =
        shell("no-such-command-fgbg", SubprocessOptions.pipes().stdin(Redirect.DISCARD));
    Output out = foreground(p.communicate(null));
    assertThat(out.exitCode()).isEqualTo(127);
    assertThat(text(out.stderr())).contains("no-such-command-fgbg");
  }

  // ---------------------------------------------------------------- options

  @Test
  void theDirectoryAndTheWholeEnvironmentAreTheChildsAndNothingElseOfTheJvms(@TempDir Path dir)
      throws Exception {
    Subprocess p =
        exec(
            SubprocessOptions.pipes()
                .directory(dir)
                .environment(Map.of("FGBG_ONE", "1", "PATH", System.getenv("PATH"))),
            "sh",
            "-c",
            "pwd; env | sort");
    Output out = foreground(p.communicate(null));
    List<String> lines = text(out.stdout()).lines().toList();
    assertThat(lines.get(0)).isEqualTo(dir.toRealPath().toString());
    assertThat(lines.subList(1, lines.size()))
        .contains("FGBG_ONE=1", "PATH=" + System.getenv("PATH"))
        .noneMatch(line -> line.startsWith("HOME="));
  }

  @Test
  void stderrToStdoutSendsBothIntoOnePipeAndLeavesNoStderrReader() throws Exception {
    Subprocess p =
        shell(
            "echo one; echo two >&2; echo three",
            SubprocessOptions.pipes().stdin(Redirect.DISCARD).stderrToStdout());
    assertThat(p.stderr()).isNull();
    Output out = foreground(p.communicate(null));
    assertThat(text(out.stdout()).lines().toList()).containsExactly("one", "two", "three");
    assertThat(out.stderr()).isNull();
  }

  @Test
  void streamsGoToAndComeFromFilesAndDiscardReadsAsDevNull(@TempDir Path dir) throws Exception {
    Path in = Files.writeString(dir.resolve("in.txt"), "from a file\n");
    Path out = dir.resolve("out.txt");
    Path log = Files.writeString(dir.resolve("log.txt"), "before\n");
    Subprocess p =
        shell(
            "cat; echo to the log >&2",
            SubprocessOptions.defaults()
                .stdin(Redirect.from(in.toFile()))
                .stdout(Redirect.to(out.toFile()))
                .stderr(Redirect.appendTo(log.toFile())));
    assertThat(List.of(p.stdin() == null, p.stdout() == null, p.stderr() == null))
        .containsOnly(true);
    assertThat(foreground(p.waitExit())).isZero();
    assertThat(Files.readString(out)).isEqualTo("from a file\n");
    assertThat(Files.readString(log)).isEqualTo("before\nto the log\n");

    Subprocess fromNull =
        shell("wc -c", SubprocessOptions.pipes().stdin(Redirect.DISCARD));
    assertThat(text(foreground(fromNull.communicate(null)).stdout()).strip()).isEqualTo("0");
  }

  @Test
  void theLimitOfThePipesReadersIsTheLongestLineTheyTake() throws Exception {
    Subprocess p =
        shell(
            "echo 0123456789abcdef; echo short",
            SubprocessOptions.pipes().stdin(Redirect.DISCARD).limit(10));
    List<String> events =
        foreground(
            () -> {
              List<String> got = new ArrayList<>();
              try {
                await(p.stdout().readLine());
              } catch (LimitOverrunException e) {
                got.add(e.getMessage());
              }
              got.add(await(p.stdout().readLine()));
              got.add("exit " + await(p.waitExit()));
              return got;
            });
    assertThat(events)
        .containsExactly(
            "Separator is found, but chunk is longer than limit", "short", "exit 0");
  }

  @Test
  void optionsAreImmutableAndRefuseRedirectsThatGoTheWrongWay(@TempDir Path dir) {
    SubprocessOptions pipes = SubprocessOptions.pipes();
    SubprocessOptions changed = pipes.stdout(Redirect.DISCARD);
    assertThat(pipes).isEqualTo(SubprocessOptions.pipes()).isNotEqualTo(changed);
    assertThat(pipes.toString())
        .isEqualTo("SubprocessOptions[stdin=PIPE, stdout=PIPE, stderr=PIPE]");
    assertThat(SubprocessOptions.defaults().stderrToStdout().stdout(Redirect.DISCARD).toString())
        .isEqualTo("SubprocessOptions[stdin=INHERIT, stdout=DISCARD, stderr=STDOUT]");
    assertThat(pipes.stderrToStdout().stderr(Redirect.PIPE)).isEqualTo(pipes);

    java.io.File file = dir.resolve("f").toFile();
    assertThatThrownBy(() -> pipes.stdin(Redirect.to(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "stdin cannot be redirected to a file (" + Redirect.to(file)
                + "): use Redirect.from(file)");
    assertThatThrownBy(() -> pipes.stdout(Redirect.from(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "stdout cannot be redirected from a file (" + Redirect.from(file)
                + "): use Redirect.to(file)");
    assertThatThrownBy(() -> pipes.stderr(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("r");
    assertThatThrownBy(() -> pipes.limit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be positive: 0");
    java.util.HashMap<String, String> env = new java.util.HashMap<>();
    env.put("A", null);
    assertThatThrownBy(() -> pipes.environment(env))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("env contains a null value for A");
  }

  // ---------------------------------------------------------------- misuse

  @Test
  void badArgumentsAreRefusedWhenTheCoroutineIsMadeAndItRunsInATaskOnly() throws Exception {
    assertThatThrownBy(() -> createSubprocessExec(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("argv");
    assertThatThrownBy(() -> createSubprocessExec(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("argv is empty: it must name the program to run");
    assertThatThrownBy(() -> createSubprocessExec(java.util.Arrays.asList("ls", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("argv contains null");
    assertThatThrownBy(() -> createSubprocessShell("true", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("options");
    assertThatThrownBy(() -> createSubprocessShell(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("command");
    assertThatThrownBy(() -> createSubprocessExec(List.of("true")).run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("createSubprocessExec() can only be used inside a task");

    Subprocess p = exec(quiet(), "true");
    assertThatThrownBy(() -> p.waitExit().run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("waitExit() can only be used inside a task");
    assertThat(foreground(p.waitExit())).isZero();
  }

  @Test
  void aSubprocessShowsItsPidJobStateAndCommand() throws Exception {
    Subprocess p = shell("cat > /dev/null", inAndOut());
    assertThat(p.command()).containsExactly("/bin/sh", "-c", "cat > /dev/null");
    assertThat(p.toString())
        .isEqualTo("Subprocess[pid " + p.pid() + ", job 2, running: /bin/sh -c 'cat > /dev/null']");
    p.stdin().close();
    foreground(p.waitExit());
    assertThat(foreground(p.stdout().read(-1))).isEmpty();
    assertThat(p.toString())
        .isEqualTo("Subprocess[pid " + p.pid() + ", job 2, exit code 0: /bin/sh -c 'cat > /dev/null']");
    assertThat(p.stdout().toString())
        .isEqualTo("StreamReader[stdout of process " + p.pid() + ", 0 bytes buffered, eof]");
  }
}
