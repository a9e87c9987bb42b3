package io.fgbg.junit.examples;

// docs:begin slow-service
import static io.fgbg.Fgbg.*;
import static java.time.Duration.*;
import static org.assertj.core.api.Assertions.*;

import io.fgbg.*;
import io.fgbg.junit.FgbgTest;
import java.util.concurrent.TimeoutException;

class SlowServiceTest {
  @FgbgTest
  void aReplyThatTakesAnHourTimesOutAtExactlyFiveSeconds(EventLoop loop) {
    Task<String> reply = scheduleCoroutine(sleep(ofHours(1), "too late"));
    assertThatThrownBy(() -> runInForeground(waitFor(reply, ofSeconds(5))))
        .isInstanceOf(TimeoutException.class);
    assertThat(loop.time()).isEqualTo(ofSeconds(5)); // virtual time: exact, and at once
    assertThat(reply.isCancelled()).isTrue();
  }
}
// docs:end slow-service
