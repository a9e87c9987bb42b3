package io.fgbg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an iteration's {@link SelectorEvents#collect} puts into the ready queue: the handler of
 * each ready channel once, whether it selects itself (handing keys straight to the queue) or takes
 * what an earlier select left in the selected-key set (a wait's, or the one {@code release} makes);
 * a channel that became ready after such a select comes with the next collect, not never.
 */
class SelectorEventsCollectTest {
  private final List<Throwable> failures = new ArrayList<>();
  private SelectorEvents io;
  private final List<Pipe> pipes = new ArrayList<>();

  @BeforeEach
  void openTheSelector() {
    io = new SelectorEvents((message, e) -> failures.add(e));
  }

  @AfterEach
  void closeEverything() throws Exception {
    io.close();
    for (Pipe p : pipes) {
      p.sink().close();
      p.source().close();
    }
    assertThat(failures).isEmpty();
  }

  /** A pipe whose read end is watched, its handler named {@code name}; returns its write end. */
  private Pipe watched(String name) throws Exception {
    Pipe p = Pipe.open();
    pipes.add(p);
    p.source().configureBlocking(false);
    io.register(p.source(), SelectionKey.OP_READ, named(name));
    return p;
  }

  private static Runnable named(String name) {
    return new Runnable() {
      @Override
      public void run() {}

      @Override
      public String toString() {
        return name;
      }
    };
  }

  private static void makeReady(Pipe p) throws Exception {
    p.sink().write(ByteBuffer.wrap(new byte[] {1}));
  }

  private List<String> collect() {
    ReadyQueue ready = new ReadyQueue();
    io.collect(ready);
    List<String> handlers = new ArrayList<>();
    Object handler;
    while ((handler = ready.pollFirst()) != null) {
      handlers.add(handler.toString());
    }
    return handlers;
  }

  @Test
  void eachReadyChannelsHandlerComesOncePerCollectAndAgainWhileItStaysReady() throws Exception {
    Pipe a = watched("A");
    watched("B");
    makeReady(a);

    assertThat(collect()).containsExactly("A");
    assertThat(collect()).as("A has not been read: still ready").containsExactly("A");
  }

  @Test
  void afterReleasesSelectTheLeftKeysAreTakenOnceAndALaterReadyChannelComesNext()
      throws Exception {
    Pipe a = watched("A");
    Pipe b = watched("B");
    Pipe c = watched("C");
    makeReady(a);
    assertThat(collect()).containsExactly("A");

    SelectionKey cKey = c.source().keyFor(io.selector());
    io.release(cKey); // selects at once: A, still unread, is left in the selected-key set
    makeReady(b);

    assertThat(collect()).as("what release's select left, once").containsExactly("A");
    assertThat(collect()).as("B, ready since, with the next").containsExactlyInAnyOrder("A", "B");
  }

  @Test
  void afterAWaitTheKeysItFoundAreTakenWithoutADoubleEntry() throws Exception {
    Pipe a = watched("A");
    Pipe b = watched("B");
    makeReady(a);
    makeReady(b);

    io.await(1_000); // returns at once: both are ready, and left in the selected-key set

    assertThat(collect()).containsExactlyInAnyOrder("A", "B");
    assertThat(collect()).containsExactlyInAnyOrder("A", "B");
  }
}
