package io.fgbg;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh loop on the virtual clock, bound to the test's thread, closed after each test; and an
 * event log for asserting interleavings (everything on a loop runs one step at a time, so a plain
 * list will do).
 */
abstract class LoopTestSupport {
  EventLoop loop;
  final List<String> events = new ArrayList<>();

  @BeforeEach
  void bindAFreshLoop() {
    loop = EventLoop.createVirtual();
    EventLoop.setCurrent(loop);
  }

  @AfterEach
  void closeTheLoop() {
    loop.close();
    EventLoop.setCurrent(null);
  }

  void log(String event) {
    events.add(event);
  }

  /**
   * Waits (10 s at most) until a run of {@code loop}, in another thread, has nothing ready and
   * waits for work: for a thread that must post, cancel or complete something while the loop
   * waits, instead of sleeping and hoping it does by then.
   */
  static void awaitWaitingForWork(EventLoop loop) {
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!(loop.isRunning() && loop.dispatcher.isIdleFromOutside())) {
      if (System.nanoTime() > end) {
        throw new AssertionError("the loop never waited for work");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(20_000);
    }
  }
}
