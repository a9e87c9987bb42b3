package io.fgbg;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of the stream tests that run over every network ({@link OverEveryNetwork}): {@code
 * startServer} and {@code openConnection} here are those of the test's network, so a test written
 * as a user writes it for TCP runs unchanged over a {@link MemoryNetwork} too (these methods shadow
 * {@code Fgbg}'s static ones). Tests of such a class marked {@code @Test} run over TCP.
 */
abstract class StreamsSuiteSupport extends StreamsLoopSupport {
  StreamsNetwork network;

  @BeforeEach
  void makeTheNetwork() {
    network = factory.newNetwork();
  }

  @AfterEach
  void closeThePeers() throws Exception {
    if (!loop.isClosed()) {
      network.close();
    }
  }

  boolean overTcp() {
    return factory == StreamsFactory.TCP;
  }

  /** {@link StreamsFactory#bulk}: a bulk transfer's size over this test's network. */
  int bulk(int bytes) {
    return factory.bulk(bytes);
  }

  Coroutine<Server> startServer(ConnectionHandler handler, String host, int port) {
    return network.startServer(handler, host, port, Streams.DEFAULT_LIMIT);
  }

  Coroutine<Server> startServer(ConnectionHandler handler, String host, int port, int limit) {
    return network.startServer(handler, host, port, limit);
  }

  Coroutine<Connection> openConnection(String host, int port) {
    return network.openConnection(host, port, Streams.DEFAULT_LIMIT);
  }

  Coroutine<Connection> openConnection(String host, int port, int limit) {
    return network.openConnection(host, port, limit);
  }
}
