package io.fgbg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

/**
 * What every {@link Server} of fgbg shares, whatever it listens on (asyncio's {@code
 * base_events.Server}): a handler task per connection, closed when the handler ends; the open
 * connections ({@code _clients}), which {@link #closeClients} and {@link #abortClients} close;
 * {@link #waitClosed} and {@link #serveForever}. A subclass listens ({@link TcpServer} on the
 * selector, {@link MemoryServer} on a {@link MemoryNetwork}), hands each connection to {@link
 * #serve}, calls {@link #detach} once its end is closed, and stops listening in {@link
 * #stopListening}.
 *
 * <p>Invariants: only the thread holding the loop's baton touches its state; the public methods
 * take the baton (or refuse, if the loop runs in another thread), and refuse the tasks of other
 * loops before they touch anything. {@code clients} maps each open connection's end (the socket,
 * or the memory end, that the server attached) to the transport its stream writes to now (the
 * same one, or TLS over it, even once the handler has upgraded it in place), in the order they
 * were accepted. {@code serving} is written by the baton
 * holder only, and volatile so that {@link #isServing} may read it anywhere.
 */
abstract class BaseServer implements Server {
  final EventLoop loop;
  private final ConnectionHandler handler;
  private volatile boolean serving;
  private final LinkedHashMap<Transport, Supplier<Transport>> clients = new LinkedHashMap<>();
  private final ArrayList<LoopFuture<Void>> closeWaiters = new ArrayList<>(1);
  private LoopFuture<Void> servingForever;

  BaseServer(EventLoop loop, ConnectionHandler handler) {
    this.loop = loop;
    this.handler = handler;
  }

  /** Where it listens, for messages: "/127.0.0.1:8888", "unix:/tmp/s". */
  abstract String where();

  /** Stops listening and releases what listens. Baton holder only; once. */
  abstract void stopListening();

  /** Marks the server serving, once it listens. Baton holder only. */
  final void startServing() {
    serving = true;
  }

  /**
   * Serves a new connection whose end is {@code end}, read and written through {@code reader} and
   * {@code writer} over what {@code streamTransport} gives ({@code end} itself, or TLS over it, as
   * it is when asked): the handler
   * runs as a task of its own from the next iteration, after the TLS handshake if {@code tls} is
   * not null; the task's end closes the connection once its output is sent. Baton holder only.
   */
  final void serve(
      Transport end,
      Supplier<Transport> streamTransport,
      LoopStreamReader reader,
      LoopStreamWriter writer,
      SSLProtocol tls) {
    clients.put(end, streamTransport);
    CoroutineTask<Void> task =
        new CoroutineTask<>(
            loop,
            () -> {
              if (tls != null) {
                tls.awaitHandshake(Fgbg.requireTask("handler")); // the handler gets a TLS stream
              }
              handler.handle(reader, writer);
              return null;
            });
    task.markObserved(); // the server takes its outcome, below: no job notice, no second report
    loop.scheduleStep(task);
    task.addCallback(
        (AbstractFuture.DoneCallback)
            done -> {
              reportIfFailed(task, tls);
              streamTransport.get().close();
            });
  }

  /**
   * asyncio's (3.12) done callback of a connection's task: a handler that threw is reported
   * through the loop's exception handler at once (and only there). A failed TLS handshake, which
   * never reached the handler, is reported in debug mode only, as asyncio logs it.
   */
  private void reportIfFailed(CoroutineTask<Void> task, SSLProtocol tls) {
    Throwable failure = task.isCancelled() ? null : task.failureNow();
    if (failure == null) {
      return;
    }
    if (tls != null && failure == tls.handshakeFailure()) {
      if (loop.isDebug()) {
        loop.callExceptionHandler(
            ExceptionContext.of(
                "TLS handshake failed on a connection to " + describe(), failure, task));
      }
      return;
    }
    loop.callExceptionHandler(
        ExceptionContext.of("Unhandled exception in connection handler", failure, task));
  }

  /** A connection's end is closed: it no longer counts. Baton holder only. */
  final void detach(Transport end) {
    clients.remove(end);
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
  public final boolean isServing() {
    return serving;
  }

  @Override
  public final void close() {
    Streams.onLoop(loop, "close", this, this::closeOnLoop);
  }

  private void closeOnLoop() {
    if (!serving) {
      return;
    }
    serving = false;
    stopListening();
    LoopFuture<Void> forever = servingForever;
    if (forever != null) {
      forever.setResultIfPending(null);
    }
    wakeUpIfFinished();
  }

  @Override
  public final void closeClients() {
    Streams.onLoop(
        loop,
        "closeClients",
        this,
        () -> {
          for (Supplier<Transport> client : List.copyOf(clients.values())) {
            client.get().close(); // over TLS: close_notify, then the socket
          }
        });
  }

  @Override
  public final void abortClients() {
    Streams.onLoop(
        loop,
        "abortClients",
        this,
        () -> {
          for (Supplier<Transport> client : List.copyOf(clients.values())) {
            client.get().abort();
          }
        });
  }

  @Override
  public final Coroutine<Void> waitClosed() {
    return () -> {
      CoroutineTask<?> task = Streams.requireTaskOf(loop, "waitClosed", this);
      if (serving || !clients.isEmpty()) {
        LoopFuture<Void> waiter = new LoopFuture<>(loop, "close of server " + where());
        closeWaiters.add(waiter);
        task.await(waiter);
      }
      return null;
    };
  }

  @Override
  public final Coroutine<Void> serveForever() {
    return () -> {
      CoroutineTask<?> task = Streams.requireTaskOf(loop, "serveForever", this);
      if (servingForever != null) {
        throw new IllegalStateException("server " + where() + " is already served forever");
      }
      if (!serving) {
        throw new IllegalStateException("server " + where() + " is closed");
      }
      LoopFuture<Void> forever = new LoopFuture<>(loop, "server " + where());
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

  /** What a refused call names: "the server on /127.0.0.1:8888", "the server on unix:/tmp/s". */
  final String describe() {
    return "the server on " + where();
  }

  /** "serving, 2 connections" or "closed, 0 connections", for toString. */
  final String stateText() {
    return (serving ? "serving" : "closed") + ", " + clients.size() + " connections";
  }
}
