package io.fgbg;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * A {@link Server} of a {@link MemoryNetwork}: what {@link TcpServer} is over sockets, listening on
 * a port of the network. Each connection that reaches it gets a {@link MemoryTransport} and a task
 * that runs the handler; the task's end closes the connection once its output is sent.
 *
 * <p>Invariants: only the thread holding the loop's baton touches its state; the public methods
 * take the baton (or refuse, if the loop runs in another thread), and refuse the tasks of other
 * loops before they touch anything. {@code clients} holds the accepted endpoints not closed yet, in
 * the order they were accepted. The port, hosts and addresses are fixed at construction, so any
 * thread may read them.
 */
final class MemoryServer implements Server {
  private final MemoryNetwork network;
  private final EventLoop loop;
  private final ConnectionHandler handler;
  final int limit;
  private final int port;

  /** The hosts it listens on, as the network names them; null: every host. */
  private final Set<String> hosts;

  private final List<InetSocketAddress> addresses;

  /** Written by the baton holder only; volatile so that {@link #isServing} may read it anywhere. */
  private volatile boolean serving = true;

  private final LinkedHashSet<MemoryTransport> clients = new LinkedHashSet<>();
  private final ArrayList<LoopFuture<Void>> closeWaiters = new ArrayList<>(1);
  private LoopFuture<Void> servingForever;

  MemoryServer(
      MemoryNetwork network,
      EventLoop loop,
      ConnectionHandler handler,
      int limit,
      int port,
      Set<String> hosts,
      List<InetSocketAddress> addresses) {
    this.network = network;
    this.loop = loop;
    this.handler = handler;
    this.limit = limit;
    this.port = port;
    this.hosts = hosts;
    this.addresses = List.copyOf(addresses);
  }

  /** True if it listens on {@code host} (a name as the network keys it). */
  boolean listensOn(String host) {
    return hosts == null || hosts.contains(host);
  }

  /** True if it listens on a host that {@code other} names too (or either on every host). */
  boolean overlaps(Set<String> other) {
    return hosts == null || other == null || other.stream().anyMatch(hosts::contains);
  }

  /**
   * Serves a new connection: the handler's task starts in the next iteration, as a task of its own.
   * Baton holder only.
   */
  void serve(MemoryTransport transport) {
    clients.add(transport);
    CoroutineTask<Void> task =
        new CoroutineTask<>(
            loop,
            () -> {
              handler.handle(transport.reader, transport.writer);
              return null;
            });
    task.markObserved(); // the server takes its outcome, below: no job notice, no second report
    loop.scheduleStep(task);
    task.addCallback(
        (AbstractFuture.DoneCallback)
            done -> {
              reportIfFailed(task);
              transport.close();
            });
  }

  /** As asyncio (3.12): a handler that threw is reported through the loop's exception handler. */
  private void reportIfFailed(CoroutineTask<Void> task) {
    Throwable failure = task.isCancelled() ? null : task.failureNow();
    if (failure != null) {
      loop.callExceptionHandler(
          ExceptionContext.of("Unhandled exception in connection handler", failure, task));
    }
  }

  /** A connection's server end is closed. */
  void detach(MemoryTransport transport) {
    clients.remove(transport);
    wakeUpIfFinished();
  }

  private void wakeUpIfFinished() {
    if (!serving && clients.isEmpty()) {
      for (LoopFuture<Void> waiter : closeWaiters) {
        waiter.setResultIfPending(null);
      }
      closeWaiters.clear();
    }
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return addresses;
  }

  @Override
  public boolean isServing() {
    return serving;
  }

  @Override
  public void close() {
    Streams.checkLoop(loop, "close", this);
    loop.onLoop(
        () -> {
          closeOnLoop();
          return null;
        });
  }

  private void closeOnLoop() {
    if (!serving) {
      return;
    }
    serving = false;
    network.unlisten(this);
    LoopFuture<Void> forever = servingForever;
    if (forever != null) {
      forever.setResultIfPending(null);
    }
    wakeUpIfFinished();
  }

  @Override
  public void closeClients() {
    Streams.checkLoop(loop, "closeClients", this);
    loop.onLoop(
        () -> {
          for (MemoryTransport client : List.copyOf(clients)) {
            client.close();
          }
          return null;
        });
  }

  @Override
  public void abortClients() {
    Streams.checkLoop(loop, "abortClients", this);
    loop.onLoop(
        () -> {
          for (MemoryTransport client : List.copyOf(clients)) {
            client.abort();
          }
          return null;
        });
  }

  @Override
  public Coroutine<Void> waitClosed() {
    return () -> {
      CoroutineTask<?> task = Streams.requireTaskOf(loop, "waitClosed", this);
      if (serving || !clients.isEmpty()) {
        LoopFuture<Void> waiter = new LoopFuture<>(loop, "close of server " + addresses.get(0));
        closeWaiters.add(waiter);
        task.await(waiter);
      }
      return null;
    };
  }

  @Override
  public Coroutine<Void> serveForever() {
    return () -> {
      CoroutineTask<?> task = Streams.requireTaskOf(loop, "serveForever", this);
      if (servingForever != null) {
        throw new IllegalStateException(
            "server " + addresses.get(0) + " is already served forever");
      }
      if (!serving) {
        throw new IllegalStateException("server " + addresses.get(0) + " is closed");
      }
      LoopFuture<Void> forever = new LoopFuture<>(loop, "server " + addresses.get(0));
      servingForever = forever;
      try {
        task.await(forever);
      } catch (CancellationException e) {
        closeOnLoop(); // cancelling serveForever closes the server
        throw e;
      } finally {
        servingForever = null;
      }
      return null;
    };
  }

  @Override
  public String toString() {
    return "Server["
        + addresses
        + (serving ? ", serving" : ", closed")
        + ", "
        + clients.size()
        + " connections]";
  }
}
