package io.fgbg;

import io.fgbg.inspect.LoopAccess;
import io.fgbg.inspect.LoopInspection;
import io.fgbg.inspect.OpenSocket;
import io.fgbg.inspect.PendingTask;
import io.fgbg.inspect.UnretrievedFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * fgbg's side of {@link LoopInspection}: reads a loop's job table, ready queue, timers and
 * selector for a test extension outside this package, through the few package-private accessors
 * they offer ({@link Jobs#takeUnretrieved}, {@link Dispatcher#hasReady}, {@link
 * EventSources#hasWorkNow}, {@link EventSources#ioIfOpen}, {@link BackgroundCall#runnerName}).
 *
 * <p>Thread regime: stateless; each read takes the loop's baton for its length ({@link
 * EventLoop#onLoop}), or answers empty once the loop is closed. Installed when this class is
 * initialized, which {@link LoopInspection} does on first use.
 */
final class Inspection implements LoopAccess {
  static {
    LoopInspection.install(new Inspection());
  }

  private static final Comparator<InetSocketAddress> ADDRESS_ORDER =
      Comparator.nullsFirst(
          Comparator.comparing((InetSocketAddress a) -> a.getHostString())
              .thenComparingInt(InetSocketAddress::getPort));
  /** Servers first, then connections; each by local address (host, then port), then remote. */
  private static final Comparator<OpenSocket> SOCKET_ORDER =
      Comparator.comparing((OpenSocket s) -> !s.listening())
          .thenComparing(OpenSocket::local, ADDRESS_ORDER)
          .thenComparing(OpenSocket::remote, ADDRESS_ORDER);

  private Inspection() {}

  @Override
  public List<PendingTask> pendingTasks(EventLoop loop) {
    return read(
        loop,
        List.of(),
        () -> {
          List<PendingTask> tasks = new ArrayList<>();
          for (AbstractTask<?> task : loop.jobs.pendingCopy()) { // and calls still Cancelling
            String thread = task instanceof BackgroundCall<?> call ? call.runnerName() : null;
            if (task.isDone() && thread == null) {
              continue; // a cancelled call whose thread has just returned
            }
            tasks.add(
                new PendingTask(task.number, task.name(), task.jobState(), task.jobDetail(), thread));
          }
          return List.copyOf(tasks);
        });
  }

  @Override
  public List<UnretrievedFailure> takeUnretrievedFailures(EventLoop loop) {
    return read(
        loop,
        List.of(),
        () -> {
          List<UnretrievedFailure> failures = new ArrayList<>();
          for (AbstractTask<?> task : loop.jobs.takeUnretrieved()) {
            failures.add(new UnretrievedFailure(task.number, task.name(), task.failureNow()));
          }
          return List.copyOf(failures);
        });
  }

  @Override
  public List<OpenSocket> openSockets(EventLoop loop) {
    return read(
        loop,
        List.of(),
        () -> {
          SelectorEvents io = loop.sources.ioIfOpen();
          if (io == null) {
            return List.of();
          }
          List<OpenSocket> sockets = new ArrayList<>();
          for (SelectionKey key : io.selector().keys()) {
            Channel channel = key.channel();
            if (key.isValid() && channel.isOpen() && channel instanceof NetworkChannel network) {
              boolean listening = channel instanceof ServerSocketChannel;
              InetSocketAddress remote =
                  channel instanceof SocketChannel socket ? inet(remoteAddress(socket)) : null;
              sockets.add(new OpenSocket(listening, inet(localAddress(network)), remote));
            }
          }
          sockets.sort(SOCKET_ORDER);
          return List.copyOf(sockets);
        });
  }

  @Override
  public boolean hasReadyWork(EventLoop loop) {
    return read(loop, false, () -> loop.dispatcher.hasReady() || loop.sources.hasWorkNow());
  }

  /** Runs {@code read} holding the baton; {@code closed} for a closed loop. */
  private static <R> R read(EventLoop loop, R closed, Supplier<R> read) {
    if (loop.isClosed()) {
      return closed;
    }
    try {
      return loop.onLoop(read);
    } catch (IllegalStateException e) {
      if (loop.isClosed()) { // closed meanwhile, by another thread
        return closed;
      }
      throw e;
    }
  }

  private static SocketAddress localAddress(NetworkChannel channel) {
    try {
      return channel.getLocalAddress();
    } catch (IOException closedMeanwhile) {
      return null;
    }
  }

  private static SocketAddress remoteAddress(SocketChannel channel) {
    try {
      return channel.getRemoteAddress();
    } catch (IOException closedMeanwhile) {
      return null;
    }
  }

  private static InetSocketAddress inet(SocketAddress address) {
    return address instanceof InetSocketAddress inet ? inet : null;
  }
}
