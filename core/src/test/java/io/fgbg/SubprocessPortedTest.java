package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * CPython 3.11's {@code Lib/test/test_asyncio/test_subprocess.py}, case by case where it applies
 * (docs/ported/subprocess.md lists every case, and why some cannot be). Python's programs ({@code
 * PROGRAM_CAT}, {@code PROGRAM_BLOCKED}, {@code python -c ...}) become {@code cat}, {@code sleep}
 * and {@code sh -c ...}, so that the suite does not need python3; timeouts of the cases are the
 * support's {@code foreground()}.
 */
class SubprocessPortedTest extends SubprocessLoopSupport {
  /** PROGRAM_BLOCKED: a child that runs until it is ended. */
  private static final String[] BLOCKED = {"sleep", "3600"};

  // ---------------------------------------------------------------- SubprocessTransportTests

  @Test
  void testProcExited() throws Exception {
    // asyncio: once the process has exited, send_signal, terminate and kill raise
    // ProcessLookupError; fgbg's terminate and kill do nothing (the contract's "kill after the
    // exit does nothing")
    Subprocess p = shell("exit 6", quiet());
    assertThat(foreground(p.waitExit())).isEqualTo(6);
    assertThat(p.returnCode()).isEqualTo(6);
    p.terminate();
    p.kill();
    assertThat(p.returnCode()).isEqualTo(6);
  }

  @Test
  void testSubprocessRepr() throws Exception {
    Subprocess p = shell("exit 6", quiet());
    assertThat(p.toString())
        .isEqualTo("Subprocess[pid " + p.pid() + ", job 2, running: /bin/sh -c 'exit 6']");
    foreground(p.waitExit());
    assertThat(p.toString())
        .isEqualTo("Subprocess[pid " + p.pid() + ", job 2, exit code 6: /bin/sh -c 'exit 6']");
  }

  // ---------------------------------------------------------------- SubprocessMixin

  @Test
  void testStdinStdout() throws Exception {
    List<Object> got =
        foreground(
            () -> {
              Subprocess proc =
                  await(createSubprocessExec(List.of("cat"), inAndOut()));
              proc.stdin().write("some data".getBytes(UTF_8));
              await(proc.stdin().drain());
              proc.stdin().close();
              byte[] data = await(proc.stdout().read(-1));
              int exitcode = await(proc.waitExit());
              return List.of(exitcode, text(data));
            });
    assertThat(got).containsExactly(0, "some data");
  }

  @Test
  void testCommunicate() throws Exception {
    Output out =
        foreground(
            () -> {
              Subprocess proc = await(createSubprocessExec(List.of("cat"), inAndOut()));
              return await(proc.communicate("some data".getBytes(UTF_8)));
            });
    assertThat(out.exitCode()).isZero();
    assertThat(text(out.stdout())).isEqualTo("some data");
  }

  @Test
  void testShell() throws Exception {
    Subprocess proc = runInForeground(createSubprocessShell("exit 7", quiet()));
    assertThat(foreground(proc.waitExit())).isEqualTo(7);
  }

  @Test
  void testKill() throws Exception {
    Subprocess proc = exec(quiet(), BLOCKED);
    proc.kill();
    assertThat(foreground(proc.waitExit())).isEqualTo(-9);
  }

  @Test
  void testKillIssue43884() throws Exception {
    // the shell's own child ("sleep 1") is not killed, and holds stdout; the kill of the shell
    // is seen all the same
    Subprocess proc =
        shell("sleep 1; sleep 1", SubprocessOptions.defaults().stdin(Redirect.DISCARD)
            .stdout(Redirect.PIPE).stderr(Redirect.DISCARD));
    runInForeground(sleep(ofMillis(100)));
    proc.kill();
    assertThat(foreground(proc.waitExit())).isEqualTo(-9);
    assertThat(foreground(proc.stdout().read(-1))).isEmpty();
  }

  @Test
  void testTerminate() throws Exception {
    Subprocess proc = exec(quiet(), BLOCKED);
    proc.terminate();
    assertThat(foreground(proc.waitExit())).isEqualTo(-15);
  }

  @Test
  void testStdinBrokenPipe() throws Exception {
    // the child ends before the stdin can be fed: drain() throws (asyncio: BrokenPipeError or
    // ConnectionResetError); the child here exits once it has read the first line
    Subprocess proc = shell("read x", inAndOut());
    byte[] large = new byte[4 << 20];
    Throwable thrown =
        foreground(
            () -> {
              proc.stdin().write("go\n");
              proc.stdin().write(large);
              try {
                await(proc.stdin().drain());
                return null;
              } catch (IOException e) {
                return e;
              }
            });
    assertThat(thrown)
        .isInstanceOf(IOException.class)
        .hasMessage("stdin of process " + proc.pid() + " is closed: the child has exited or closed it");
    assertThat(foreground(proc.waitExit())).isZero();
  }

  @Test
  void testCommunicateIgnoreBrokenPipe() throws Exception {
    Subprocess proc = shell("exit 0", SubprocessOptions.defaults().stdin(Redirect.PIPE));
    foreground(proc.communicate(new byte[4 << 20]));
    assertThat(foreground(proc.waitExit())).isZero();
  }

  @Test
  void testPauseReading() throws Exception {
    // issue #22685: a child that writes more than the limit pauses the pipe, then it resumes
    int limit = 10;
    int size = limit * 2 + 1;
    Subprocess proc =
        shell("printf '%" + size + "s' | tr ' ' x", SubprocessOptions.pipes().limit(limit));
    ReadPipe stdoutTransport = ((LoopSubprocess) proc).stdoutPipe();
    Output out = foreground(proc.communicate(null));
    assertThat(text(out.stdout())).isEqualTo("x".repeat(size));
    assertThat(stdoutTransport.pauses()).as("pause_reading called").isPositive();
    assertThat(stdoutTransport.resumes()).as("resume_reading called").isPositive();
  }

  @Test
  void testStdinNotInheritable() throws Exception {
    // asyncio issue #209: communicate must not hang on a stdin the child could inherit
    Subprocess proc = shell("wc -c", SubprocessOptions.pipes());
    Output out = foreground(proc.communicate("abc".getBytes(UTF_8)));
    assertThat(text(out.stdout()).strip()).isEqualTo("3");
    assertThat(out.exitCode()).isZero();
  }

  @Test
  void testEmptyInput() throws Exception {
    Subprocess proc = shell("wc -c", SubprocessOptions.pipes());
    Output out = foreground(proc.communicate(new byte[0]));
    assertThat(text(out.stdout()).strip()).isEqualTo("0");
    assertThat(out.exitCode()).isZero();
  }

  @Test
  void testDevnullInput() throws Exception {
    Subprocess proc = shell("wc -c", SubprocessOptions.pipes().stdin(Redirect.DISCARD));
    Output out = foreground(proc.communicate(null));
    assertThat(text(out.stdout()).strip()).isEqualTo("0");
    assertThat(out.exitCode()).isZero();
  }

  @Test
  void testDevnullOutput() throws Exception {
    Subprocess proc = shell("wc -c", SubprocessOptions.pipes().stdout(Redirect.DISCARD));
    Output out = foreground(proc.communicate("abc".getBytes(UTF_8)));
    assertThat(out.stdout()).isNull();
    assertThat(out.exitCode()).isZero();
  }

  @Test
  void testDevnullError() throws Exception {
    Subprocess proc = shell("wc -c", SubprocessOptions.pipes().stderr(Redirect.DISCARD));
    Output out = foreground(proc.communicate("abc".getBytes(UTF_8)));
    assertThat(out.stderr()).isNull();
    assertThat(out.exitCode()).isZero();
  }

  @Test
  void testDevstdinInput() throws Exception {
    Subprocess proc = shell("wc -c < /dev/stdin", SubprocessOptions.pipes());
    Output out = foreground(proc.communicate("abc".getBytes(UTF_8)));
    assertThat(text(out.stdout()).strip()).isEqualTo("3");
    assertThat(out.exitCode()).isZero();
  }

  @Test
  void testCancelProcessWait() throws Exception {
    // issue #23140. asyncio's cancelled wait() leaves the process alone, and the case then kills
    // it; fgbg's cancel terminates it (the contract), so the kill after it does nothing, and the
    // job of the child, cancelled, says so to a later waitExit()
    Subprocess proc = exec(quiet(), BLOCKED);
    List<String> events =
        foreground(
            () -> {
              List<String> got = new ArrayList<>();
              Task<Integer> task = scheduleCoroutine(proc.waitExit());
              EventLoop.current().callSoon(task::cancel);
              try {
                await(task);
              } catch (CancellationException e) {
                got.add("cancelled");
              }
              task.cancel();
              proc.kill();
              try {
                await(proc.waitExit());
              } catch (CancellationException e) {
                got.add("the job was cancelled: exit " + proc.returnCode());
              }
              return got;
            });
    assertThat(events).containsExactly("cancelled", "the job was cancelled: exit -15");
  }

  @Test
  void testCancelMakeSubprocessTransportExec() throws Exception {
    // asyncio's creation suspends (it waits for the pipes to connect), and the call_soon'd
    // cancel comes in the middle of it; fgbg's never suspends, so the only cancel that can stop it
    // comes before the task's first step: then no child is started at all
    List<String> events =
        foreground(
            () -> {
              List<String> got = new ArrayList<>();
              Task<Subprocess> task =
                  scheduleCoroutine(createSubprocessExec(List.of(BLOCKED), quiet()));
              task.cancel();
              try {
                await(task);
              } catch (CancellationException e) {
                got.add("cancelled");
              }
              got.add("children " + loop.children.runningChildren().size());
              return got;
            });
    assertThat(events).containsExactly("cancelled", "children 0");
  }

  @Test
  void testCloseDontKillFinished() throws Exception {
    // the child has exited, the loop does not know yet: close() must not signal it
    Subprocess proc = exec(quiet(), BLOCKED);
    ProcessJob job = (ProcessJob) job(2);
    job.process.toHandle().destroyForcibly(); // behind fgbg's back, as the case's proc.kill()
    job.process.onExit().get(10, TimeUnit.SECONDS);
    assertThat(proc.returnCode()).isNull();
    loop.close();
    assertThat(proc.returnCode()).as("a SIGKILL fgbg did not send").isEqualTo(128 + 9);
  }

  @Test
  void testPopenErrorWithStdinPipe() throws Exception {
    // issues #24763 and #35721: a child that cannot start leaves no pipe, no job, no thread
    assertThatThrownBy(() -> exec(SubprocessOptions.pipes(), "/no/such/program-fgbg"))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot start /no/such/program-fgbg: No such file or directory");
    assertThat(allTasks()).isEmpty();
    assertThat(loop.children.isEmpty()).isTrue();
  }

  @Test
  void testReadStdoutAfterProcessExit() throws Exception {
    Subprocess proc =
        shell(
            "head -c 262144 /dev/zero; exit 1",
            SubprocessOptions.defaults().stdin(Redirect.DISCARD).stdout(Redirect.PIPE));
    long total =
        foreground(
            () -> {
              long read = 0;
              for (byte[] data; (data = await(proc.stdout().read(65536))).length > 0; ) {
                read += data.length;
                await(sleep(ofMillis(30)));
              }
              return read;
            });
    assertThat(total).isEqualTo(262144);
    assertThat(foreground(proc.waitExit())).isEqualTo(1);
  }

  @Test
  void testSubprocessCommunicateStdout() throws Exception {
    // gh-100133: many communicate() at once each give their own stdout
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      outputs.add("foo" + i);
    }
    List<String> res =
        foreground(
            () -> {
              List<Task<String>> tasks = new ArrayList<>();
              for (String out : outputs) {
                tasks.add(
                    scheduleCoroutine(
                        () -> {
                          Subprocess proc =
                              await(
                                  createSubprocessExec(
                                      List.of("echo", out),
                                      SubprocessOptions.defaults().stdout(Redirect.PIPE)));
                          return text(await(proc.communicate(null)).stdout()).strip();
                        }));
              }
              return await(gather(tasks));
            });
    assertThat(res).isEqualTo(outputs);
  }
}
