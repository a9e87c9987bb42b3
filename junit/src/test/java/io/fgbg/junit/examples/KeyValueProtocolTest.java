package io.fgbg.junit.examples;

import static io.fgbg.Fgbg.*;
import static java.time.Duration.*;
import static org.assertj.core.api.Assertions.*;

import io.fgbg.*;
import io.fgbg.junit.FgbgTest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The second example of docs/testing.md: a key-value line protocol, its server and its client in
 * one test over {@link MemoryNetwork}, with a reply that comes just before the client's deadline,
 * one that comes just after it, a reset, and the same trace on every run.
 */
class KeyValueProtocolTest {
  // docs:begin kv-protocol
  /** What happened, with the loop's time: the test's evidence. */
  final List<String> trace = new ArrayList<>();

  void log(String event) {
    trace.add(EventLoop.current().time().toMillis() + " ms: " + event);
  }

  /** "SET k v" answers "OK"; "GET k" answers the value, or "NONE", after {@code thinking}. */
  ConnectionHandler keyValueServer(Duration thinking) {
    Map<String, String> store = new HashMap<>();
    return (reader, writer) -> {
      try {
        String line;
        while ((line = await(reader.readLine())) != null) {
          log("server got " + line);
          String[] words = line.split(" ", 3);
          if (words[0].equals("SET")) {
            store.put(words[1], words[2]);
            writer.write("OK\n");
          } else {
            await(sleep(thinking));
            writer.write(store.getOrDefault(words[1], "NONE") + "\n");
          }
          await(writer.drain());
        }
      } catch (IOException e) {
        log("server: " + e); // the connection was reset
      }
    };
  }

  /** One request, one reply line, or TimeoutException after {@code deadline}. */
  Coroutine<String> ask(Connection c, String request, Duration deadline) {
    return () -> {
      log("client sends " + request);
      c.writer().write(request + "\n");
      String reply = await(waitFor(c.reader().readLine(), deadline));
      log("client got " + reply);
      return reply;
    };
  }
  // docs:end kv-protocol

  // docs:begin kv-deadline
  @FgbgTest
  void aReplyJustBeforeTheDeadlineArrivesAndOneJustAfterTimesOut(EventLoop loop)
      throws Exception {
    MemoryNetwork network = new MemoryNetwork();
    network.setLatency(ofMillis(10), ofMillis(10)); // each way
    Server server = runInForeground(network.startServer(keyValueServer(ofMillis(979)), "kv", 0));
    Connection c = runInForeground(network.openConnection("kv", server.port()));
    runInForeground(ask(c, "SET colour blue", ofSeconds(1)));

    Duration start = loop.time(); // 10 + 979 + 10 ms later: 1 ms to spare
    assertThat(runInForeground(ask(c, "GET colour", ofMillis(1000)))).isEqualTo("blue");
    assertThat(loop.time().minus(start)).isEqualTo(ofMillis(999));

    start = loop.time(); // a 998 ms deadline misses the same reply by 1 ms
    assertThatThrownBy(() -> runInForeground(ask(c, "GET colour", ofMillis(998))))
        .isInstanceOf(TimeoutException.class);
    assertThat(loop.time().minus(start)).isEqualTo(ofMillis(998));

    c.writer().close();
    server.close();
    runInForeground(server.waitClosed());
  }
  // docs:end kv-deadline

  // docs:begin kv-reset
  @FgbgTest
  void aResetReachesTheClientsReadAsAnIOException() throws Exception {
    MemoryNetwork network = new MemoryNetwork();
    Server server = runInForeground(network.startServer(keyValueServer(ofMillis(50)), "kv", 0));
    Connection c = runInForeground(network.openConnection("kv", server.port()));
    Task<String> get = scheduleCoroutine(ask(c, "GET colour", ofSeconds(1)));
    runInForeground(sleep(ofMillis(20))); // the server is thinking

    network.reset(c.writer()); // the connection breaks under the waiting read
    assertThatThrownBy(() -> runInForeground(get))
        .isInstanceOf(java.net.SocketException.class)
        .hasMessage("Connection reset");

    runInForeground(sleep(ofMillis(100))); // the server wakes up to a broken connection
    server.close();
    runInForeground(server.waitClosed());
    assertThat(trace)
        .containsExactly(
            "0 ms: client sends GET colour",
            "0 ms: server got GET colour",
            "50 ms: server: java.net.SocketException: Connection reset"); // its reply met the reset
  }
  // docs:end kv-reset

  /** The deadline case, on a loop of its own, returning its trace. */
  static List<String> deadlineScenario() throws Exception {
    KeyValueProtocolTest test = new KeyValueProtocolTest();
    EventLoop loop = EventLoop.createVirtual();
    EventLoop.setCurrent(loop);
    try {
      test.aReplyJustBeforeTheDeadlineArrivesAndOneJustAfterTimesOut(loop);
    } finally {
      loop.close();
      EventLoop.setCurrent(null);
    }
    return test.trace;
  }

  // docs:begin kv-repeat
  @org.junit.jupiter.api.Test
  void everyRunOfTheScenarioGivesTheSameTrace() throws Exception {
    List<String> first = deadlineScenario();
    for (int run = 2; run <= 1000; run++) {
      assertThat(deadlineScenario()).as("run " + run).isEqualTo(first);
    }
    assertThat(first)
        .containsExactly(
            "20 ms: client sends SET colour blue", // connecting took a round trip
            "30 ms: server got SET colour blue",
            "40 ms: client got OK",
            "40 ms: client sends GET colour",
            "50 ms: server got GET colour",
            "1039 ms: client got blue",
            "1039 ms: client sends GET colour",
            "1049 ms: server got GET colour");
  }
  // docs:end kv-repeat
}
