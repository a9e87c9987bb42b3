package io.fgbg;

import static io.fgbg.Fgbg.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ProcessBuilder.Redirect;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Children work under a loop on the virtual clock too: their pipes and exits come through the inbox. */
class SubprocessVirtualClockTest extends LoopTestSupport {

  @Test
  void aChildsOutputAndExitReachATaskOfAVirtualClockLoop() throws Exception {
    Output out =
        runInForeground(
            () -> {
              Subprocess p =
                  await(
                      createSubprocessShell(
                          "read x; echo got $x; exit 3",
                          SubprocessOptions.pipes().stderr(Redirect.DISCARD)));
              return await(p.communicate("hi\n".getBytes()));
            });
    assertThat(out).isEqualTo(new Output("got hi\n".getBytes(), null, 3));
    assertThat(allTasks()).isEmpty();
  }

  @Test
  void aChildKilledThroughItsJobOnAVirtualClockLoopEndsWithItsSignal() throws Exception {
    List<Integer> codes =
        runInForeground(
            () -> {
              Subprocess p =
                  await(
                      createSubprocessExec(
                          List.of("sleep", "60"),
                          SubprocessOptions.defaults().stdin(Redirect.DISCARD)));
              p.kill();
              return List.of(await(p.waitExit()));
            });
    assertThat(codes).containsExactly(-9);
  }
}
