package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.StreamsLoopSupport.LOCALHOST;
import static io.fgbg.StreamsLoopSupport.foreground;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The network of one test of the stream suite (see {@link StreamsFactory}): servers and clients of
 * the loop, and peers that the test drives by hand. Over TCP a peer is a plain blocking socket of
 * the test thread; over a {@link MemoryNetwork} it is the other end of a connection of the same
 * network, written and read from the test thread between foreground runs.
 */
abstract class StreamsNetwork {
  /** A client of the loop and the peer at the other end. */
  record ClientAndPeer(Connection client, StreamsPeer peer) {}

  final List<StreamsPeer> peers = new ArrayList<>();

  abstract Coroutine<Server> startServer(
      ConnectionHandler handler, String host, int port, int limit);

  abstract Coroutine<Connection> openConnection(String host, int port, int limit);

  /** A client of the loop (reader limit {@code limit}) connected to a peer the test drives. */
  abstract ClientAndPeer connectToAPeer(int limit) throws Exception;

  /** A peer the test drives, connected to the loop's server on {@code port}. */
  abstract StreamsPeer peerConnectedTo(int port) throws Exception;

  /** A port on which nothing listens. */
  abstract int closedPort() throws Exception;

  /**
   * Lets what was sent so far arrive. Over TCP, what one write of the loopback sends arrives as one
   * segment already (the tests that need it send in one write); over a memory network, the loop
   * runs until everything in flight has been delivered (at zero latency, a chain of callbacks that
   * the virtual clock waits for before it moves).
   */
  abstract void letArrive() throws Exception;

  /** Closes the peers the test left open. */
  void close() throws Exception {
    for (StreamsPeer peer : peers) {
      peer.close();
    }
    peers.clear();
  }

  <P extends StreamsPeer> P keep(P peer) {
    peers.add(peer);
    return peer;
  }

  /** Real sockets; the peers are plain blocking sockets. */
  static final class Tcp extends StreamsNetwork {
    private final List<ServerSocket> listeners = new ArrayList<>();

    @Override
    Coroutine<Server> startServer(ConnectionHandler handler, String host, int port, int limit) {
      return Fgbg.startServer(handler, host, port, limit);
    }

    @Override
    Coroutine<Connection> openConnection(String host, int port, int limit) {
      return Fgbg.openConnection(host, port, limit);
    }

    @Override
    ClientAndPeer connectToAPeer(int limit) throws Exception {
      ServerSocket listener = StreamsLoopSupport.rawListener();
      listeners.add(listener);
      Connection client = foreground(openConnection(LOCALHOST, listener.getLocalPort(), limit));
      return new ClientAndPeer(
          client, keep(new StreamsPeer.OverSocket(StreamsLoopSupport.acceptMade(listener))));
    }

    @Override
    StreamsPeer peerConnectedTo(int port) throws Exception {
      return keep(new StreamsPeer.OverSocket(StreamsLoopSupport.blockingSocket(port)));
    }

    @Override
    int closedPort() throws Exception {
      return StreamsLoopSupport.closedPort();
    }

    @Override
    void letArrive() {}

    @Override
    void close() throws Exception {
      super.close();
      for (ServerSocket listener : listeners) {
        listener.close();
      }
    }
  }

  /** A memory network; the peers are the far ends of its connections. */
  static final class Memory extends StreamsNetwork {
    final MemoryNetwork network;

    Memory(MemoryNetwork network) {
      this.network = network;
    }

    @Override
    Coroutine<Server> startServer(ConnectionHandler handler, String host, int port, int limit) {
      return network.startServer(handler, host, port, limit);
    }

    @Override
    Coroutine<Connection> openConnection(String host, int port, int limit) {
      return network.openConnection(host, port, limit);
    }

    @Override
    ClientAndPeer connectToAPeer(int limit) throws Exception {
      CompletableFuture<StreamsPeer.OverLoop> accepted = new CompletableFuture<>();
      AsyncEvent done = new AsyncEvent();
      Server server =
          foreground(
              network.startServer(
                  (reader, writer) -> {
                    accepted.complete(new StreamsPeer.OverLoop(network, reader, writer));
                    await(done.waitSet()); // the peer's end stays open until the test ends
                  },
                  LOCALHOST,
                  0));
      Connection client = foreground(network.openConnection(LOCALHOST, server.port(), limit));
      StreamsPeer.OverLoop peer = foreground(() -> await(accepted));
      peer.whenClosed(
          () -> {
            done.set();
            server.close();
            server.abortClients(); // the test is over: what the peer did not send is dropped
            foreground(server.waitClosed());
          });
      return new ClientAndPeer(client, keep(peer));
    }

    @Override
    StreamsPeer peerConnectedTo(int port) throws Exception {
      Connection c = foreground(network.openConnection(LOCALHOST, port));
      return keep(new StreamsPeer.OverLoop(network, c.reader(), c.writer()));
    }

    @Override
    int closedPort() {
      return 9; // the discard port: no server of a fresh network listens there
    }

    @Override
    void letArrive() throws Exception {
      Fgbg.runInForeground(Fgbg.sleep(java.time.Duration.ofNanos(1)));
    }
  }
}
