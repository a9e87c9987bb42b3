package io.fgbg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Work that reaches a loop's inbox too late to run, after close()'s last drain, is told so when
 * the loop releases its resources, so that whoever waits for it (a submitted coroutine's future)
 * is not left waiting for ever; other posts are dropped, as asyncio drops a closed loop's ready
 * callbacks.
 */
class DroppedAtCloseTest {
  @Test
  void postsLeftInTheInboxWhenTheSourcesAreClearedAreToldIfTheyAsk() {
    EventSources sources = new EventSources(LoopClock.virtual());
    List<String> events = new ArrayList<>();
    class Told implements Runnable, DroppedAtClose {
      @Override
      public void run() {
        events.add("ran");
      }

      @Override
      public void droppedAtClose() {
        events.add("told");
      }
    }
    sources.post(new Told());
    sources.post(() -> events.add("plain ran"));
    sources.post(new Told());
    sources.clear();
    assertThat(events).containsExactly("told", "told");
    sources.clear();
    assertThat(events).as("told once").hasSize(2);
  }
}
