package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A child process on a virtual loop is real-time work, as a background call is: while one runs,
 * the clock does not jump ahead of it, so a deadline longer than the child's run is not reached
 * before the child exits.
 */
class SubprocessOnAVirtualLoopTest {
  private EventLoop loop;

  @BeforeEach
  void bindAVirtualLoop() {
    loop = EventLoop.createVirtual();
    EventLoop.setCurrent(loop);
  }

  @AfterEach
  void closeIt() {
    loop.close();
    EventLoop.setCurrent(null);
  }

  @Test
  void aChildThatTakesAFewHundredMillisecondsBeatsAFiveSecondDeadline() throws Exception {
    SubprocessOptions quiet =
        SubprocessOptions.defaults()
            .stdin(Redirect.DISCARD)
            .stdout(Redirect.DISCARD)
            .stderr(Redirect.DISCARD);
    Subprocess child = runInForeground(createSubprocessExec(List.of("sleep", "0.3"), quiet));

    assertThat(runInForeground(waitFor(child.waitExit(), ofSeconds(5)))).isEqualTo(0);
    assertThat(loop.time()).as("no timer was reached").isEqualTo(Duration.ZERO);
  }
}
