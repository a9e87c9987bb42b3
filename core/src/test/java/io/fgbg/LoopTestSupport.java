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
    loop = EventLoop.createWithVirtualClock();
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
}
