package io.fgbg;

import static io.fgbg.Fgbg.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * {@link EventLoop#close()} ends the children the loop started that are still running: SIGTERM,
 * SIGKILL after the grace period for those that ignore it; they are reaped, their PIDs gone, and
 * no pipe thread is left, also for a child whose output nobody reads.
 */
class SubprocessCloseTest extends SubprocessLoopSupport {

  @Test
  void closeTerminatesKillsAndReapsTheChildrenStillRunning() throws Exception {
    List<Subprocess> children = new ArrayList<>();
    children.add(exec(quiet(), "sleep", "60"));
    children.add(exec(quiet(), "sleep", "61"));
    // prints for ever into a pipe nobody reads: its thread is paused when the loop closes
    children.add(exec(SubprocessOptions.pipes(), "yes"));
    // ignores SIGTERM: only the SIGKILL after the grace period ends it
    Subprocess stubborn =
        shell(
            "trap '' TERM; echo ready; exec sleep 62",
            SubprocessOptions.pipes().stdin(Redirect.DISCARD));
    assertThat(foreground(stubborn.stdout().readLine())).isEqualTo("ready");
    children.add(stubborn);
    // a task that waits on one of them is cancelled by close() too
    Task<Integer> waiting = scheduleCoroutine(children.get(0).waitExit());

    loop.close();

    for (Subprocess child : children) {
      assertReaped(child.pid());
    }
    assertThat(children.stream().map(Subprocess::returnCode).toList())
        .containsExactly(-15, -15, -15, -9);
    assertThat(waiting.isCancelled()).isTrue();
    assertThat(loop.children.runningChildren()).isEmpty();
    assertThat(loop.children.isEmpty()).as(loop.children.describeLeft()).isTrue();
  }

  @Test
  void aChildWhoseJobWasAlreadyCancelledIsEndedOnceAndTheTaskSeesItsCancellation()
      throws Exception {
    Subprocess p = exec(quiet(), "sleep", "60");
    Task<?> job = job(2);
    job.cancel();
    loop.close();
    assertThat(job.isCancelled()).isTrue();
    assertThat(job.exception()).isInstanceOf(CancellationException.class);
    assertThat(p.returnCode()).isEqualTo(-15);
    assertReaped(p.pid());
  }

  @Test
  void closeWithChildrenThatHaveAllExitedEndsAtOnceWithTheirPipesRead() throws Exception {
    Subprocess p = shell("echo bye", SubprocessOptions.pipes());
    assertThat(foreground(p.waitExit())).isZero();
    loop.close();
    assertThat(p.returnCode()).isZero();
    assertThat(loop.children.isEmpty()).isTrue();
  }
}
