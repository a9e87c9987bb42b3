package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A subprocess is a job: {@code jobs()} lists it with its PID and command; cancelling the task of
 * its {@code waitExit()} (or the job itself, or Ctrl-C on a foreground {@code waitExit()})
 * terminates it, kills it 2 s later if it is still alive, and the task ends once it has exited;
 * every child is reaped.
 */
class SubprocessJobsTest extends SubprocessLoopSupport {

  /** The job table with its real-time age column read as "A s", whatever it says. */
  private List<String> table() {
    return Fgbg.jobsTable(loop).lines().map(SubprocessJobsTest::normalised).toList();
  }

  private static String normalised(String line) {
    return line.stripTrailing()
        .replaceAll("\\d+\\.\\d s ", "A s ")
        .replaceAll("SIGKILL in \\d+\\.\\d s", "SIGKILL in N s");
  }

  private static ProcessJob jobOf(Subprocess p) {
    for (Task<?> task : allTasks()) {
      if (task instanceof ProcessJob job && job.pid == p.pid()) {
        return job;
      }
    }
    throw new AssertionError("no job for pid " + p.pid());
  }

  @Test
  void jobsListsARunningChildWithItsJobNumberPidAndCommandLikeAShellJob() throws Exception {
    Subprocess sleeper = exec(quiet(), "sleep", "30");
    Subprocess shell = shell("exec sleep 31", quiet());
    assertThat(table())
        .containsExactly(
            "[2]   Running  A s  Task-2  pid " + sleeper.pid() + ": sleep 30",
            "[4]   Running  A s  Task-4  pid " + shell.pid() + ": /bin/sh -c 'exec sleep 31'");
    assertThat(job(2)).isSameAs(jobOf(sleeper));
    assertThat(job(2).toString())
        .isEqualTo("Task[Task-2, process " + sleeper.pid() + ": sleep 30, pending]");

    sleeper.kill();
    shell.kill();
    assertThat(foreground(gather(List.of(job(2), job(4))))).containsExactly(-9, -9);
    assertThat(table()).as("a child's job leaves the table with its exit").isEmpty();
  }

  @Test
  void aChildThatHasExitedWhileNobodyRunsTheLoopIsListedAsReadyWithItsExitCode()
      throws Exception {
    Subprocess p = shell("exit 5", quiet());
    jobOf(p).process.onExit().get(10, TimeUnit.SECONDS); // the JDK has reaped it; the loop idles
    assertThat(table())
        .containsExactly("[2]   Ready  A s  Task-2  pid " + p.pid() + ": /bin/sh -c 'exit 5' (exited with 5)");
    assertThat(p.returnCode()).as("the loop has not taken the exit yet").isNull();
    assertThat(foreground(p.waitExit())).isEqualTo(5);
    assertThat(table()).isEmpty();
  }

  @Test
  void theTableReadFromAnotherThreadWhileTheLoopRunsShowsTheChildToo() throws Exception {
    Subprocess p = exec(quiet(), "sleep", "30");
    String fromAThread = foreground(callInBackground(() -> Fgbg.jobsTable(loop)));
    assertThat(fromAThread.lines().map(SubprocessJobsTest::normalised))
        .contains("[2]   Running  A s  Task-2  pid " + p.pid() + ": sleep 30");
    p.kill();
    assertThat(foreground(p.waitExit())).isEqualTo(-9);
  }

  @Test
  void cancellingTheTaskOfWaitExitTerminatesTheChildAndTheTaskEndsOnceItHasExited()
      throws Exception {
    Subprocess p = exec(quiet(), "sleep", "60");
    Task<Integer> waiting = scheduleCoroutine(p.waitExit());
    runInForeground(sleep(ZERO)); // the task awaits the exit
    assertThat(waiting.cancel()).isTrue();
    assertThatThrownBy(() -> foreground(waiting))
        .isInstanceOf(CancellationException.class)
        .hasMessage("Task-2 was cancelled");
    assertThat(waiting.isCancelled()).isTrue();
    assertThat(p.returnCode()).as("ended by fgbg's SIGTERM").isEqualTo(-15);
    assertThat(allTasks()).isEmpty();
    assertReaped(p.pid());
  }

  @Test
  void cancellingTheJobFromThePromptIsAShellsKillOfTheJob() throws Exception {
    // a child that ignores SIGTERM, so that the table shows it while it is being ended
    Subprocess p =
        shell("trap '' TERM; echo ready; exec sleep 60", SubprocessOptions.pipes().stdin(Redirect.DISCARD));
    assertThat(foreground(p.stdout().readLine())).isEqualTo("ready");
    Task<?> job = job(2);
    assertThat(job.cancel()).as("like kill %2").isTrue();
    assertThat(table())
        .containsExactly(
            "[2]   Cancelling  A s  Task-2  pid " + p.pid()
                + ": /bin/sh -c 'trap '\"'\"''\"'\"' TERM; echo ready; exec sleep 60'"
                + " (SIGTERM sent, SIGKILL in N s)");
    assertThatThrownBy(() -> foreground(p.waitExit())).isInstanceOf(CancellationException.class);
    assertThat(job.isCancelled()).isTrue();
    assertThat(p.returnCode()).isEqualTo(-9);
    assertReaped(p.pid());
  }

  @Test
  void aChildThatIgnoresSigtermIsKilledAfterTheGracePeriodAndLeavesNoZombie() throws Exception {
    Subprocess p =
        shell(
            "trap 'echo got TERM' TERM; echo ready; while :; do sleep 0.05; done",
            SubprocessOptions.pipes().stdin(Redirect.DISCARD));
    long pid = p.pid();
    List<String> events =
        foreground(
            () -> {
              List<String> got = new ArrayList<>();
              got.add(await(p.stdout().readLine()));
              Task<Integer> waiting = scheduleCoroutine(p.waitExit());
              await(sleep(ZERO)); // it awaits the exit
              Duration cancelled = loop.time();
              waiting.cancel();
              got.add(await(p.stdout().readLine())); // the trap ran: SIGTERM came, and is ignored
              table().stream().filter(line -> line.contains(" pid ")).forEach(got::add);
              try {
                await(waiting);
              } catch (CancellationException e) {
                got.add("cancelled: " + e.getMessage());
              }
              Duration took = loop.time().minus(cancelled);
              got.add("ended after the grace period: " + (took.compareTo(ofMillis(1950)) >= 0));
              got.add("exit " + p.returnCode());
              return got;
            });
    assertThat(events)
        .containsExactly(
            "ready",
            "got TERM",
            "[2]   Cancelling  A s  Task-2  pid " + pid
                + ": /bin/sh -c 'trap '\"'\"'echo got TERM'\"'\"' TERM; echo ready; while :; do"
                + " sleep 0.05; done' (SIGTERM sent, SIGKILL in N s)",
            "cancelled: Task-2 was cancelled",
            "ended after the grace period: true",
            "exit -9");
    assertReaped(pid);
  }

  @Test
  void ctrlCOnAForegroundWaitExitTerminatesTheChildAndReturnsToThePromptOnceItHasGone()
      throws Exception {
    Subprocess p = exec(quiet(), "sleep", "60");
    Thread caller = Thread.currentThread();
    loop.callLater(ofMillis(50), caller::interrupt); // Ctrl-C, during the run
    assertThatThrownBy(() -> runInForeground(p.waitExit()))
        .isInstanceOf(InterruptedException.class)
        .hasMessage("foreground run of Task-3 interrupted (cancelled)");
    assertThat(p.returnCode()).isEqualTo(-15);
    assertThat(allTasks()).isEmpty();
    assertReaped(p.pid());
  }

  @Test
  void ctrlCOnTheJobBroughtToTheForegroundTerminatesItAsBashsFgThenCtrlC() throws Exception {
    Subprocess p = exec(quiet(), "sleep", "60");
    Thread caller = Thread.currentThread();
    loop.callLater(ofMillis(50), caller::interrupt);
    assertThatThrownBy(() -> runInForeground(job(2)))
        .isInstanceOf(InterruptedException.class)
        .hasMessage("foreground run of Task-2 interrupted (cancelled)");
    assertThat(p.returnCode()).isEqualTo(-15);
  }

  @Test
  void aTimeoutOnWaitExitEndsTheChildBeforeItThrows() throws Exception {
    Subprocess p = exec(quiet(), "sleep", "60");
    assertThatThrownBy(() -> runInForeground(waitFor(p.waitExit(), ofMillis(100))))
        .isInstanceOf(java.util.concurrent.TimeoutException.class);
    assertThat(p.returnCode()).as("the child has gone by then").isEqualTo(-15);
    assertReaped(p.pid());
  }

  @Test
  void cancellingCommunicateEndsTheChildToo() throws Exception {
    Subprocess p = shell("echo started; exec sleep 60", SubprocessOptions.pipes());
    assertThatThrownBy(() -> runInForeground(timeout(ofMillis(200), p.communicate(null))))
        .isInstanceOf(java.util.concurrent.TimeoutException.class);
    assertThat(p.returnCode()).isEqualTo(-15);
    assertThat(allTasks()).isEmpty();
  }

  @Test
  void tasksOfOtherLoopsAreRefusedBeforeAnythingMoves() throws Exception {
    Subprocess p = exec(inAndOut(), "cat");
    try (EventLoop other = EventLoop.create()) {
      assertThatThrownBy(() -> runInForeground(p.waitExit(), other))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("waitExit() of Subprocess[pid " + p.pid());
      assertThatThrownBy(() -> runInForeground(p.stdout().readLine(), other))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "readLine() of the stream from stdout of process " + p.pid() + " called from");
    }
    p.stdin().close();
    assertThat(foreground(p.waitExit())).isZero();
  }

  @Test
  void anExitThatComesAfterAForegroundRunHasEndedIsTakenByTheNextRun() throws Exception {
    Subprocess p = shell("sleep 0.3; exit 2", quiet());
    assertThat(runInForeground(waitTasks(List.of(job(2)), ofSeconds(0))).pending()).hasSize(1);
    assertThat(foreground(p.waitExit())).isEqualTo(2);
  }
}
