package io.fgbg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * A loop's NIO selector: the channels it watches and the readiness it reports, asyncio's {@code
 * selector_events}. Opened by {@link EventSources} when the first channel needs it.
 *
 * <p>Each registered channel has a {@link Runnable} attached; when the channel is ready, that
 * runnable joins the ready queue, to look at {@link SelectionKey#readyOps()} when it runs (it must
 * bear a readiness that has since gone: a read that finds nothing is harmless).
 *
 * <p>Invariants: only the thread holding the loop's baton uses the selector, except {@link
 * #wakeup()}. A closed channel keeps its descriptor (and its port) until the selector has seen
 * its key cancelled, so {@link #release} selects once at once instead of leaving that to the next
 * iteration, which may be far off if the loop stops.
 *
 * <p>Running out of file descriptors. A server whose clients take every descriptor the process
 * may open must keep serving and recover once they are freed, as asyncio's does. Two things the
 * loop needs later would then be missing, so both are done when the first selector opens, while
 * descriptors are free: the JDK's poller, which a virtual thread's blocking {@code select()} parks
 * on, is started by one such select (the JDK opens the poller's descriptors on first use, and a
 * poller that failed to start stays broken for the life of the JVM); and the classes of the socket
 * paths are loaded (a class loaded from a directory takes a descriptor to read its file). An
 * {@link IOException} from {@code select()} is reported and the loop goes on.
 */
final class SelectorEvents {

  /** How long a wait sleeps instead of selecting after select() failed, so as not to spin. */
  private static final long FAILED_SELECT_PAUSE_NANOS = 10_000_000L;

  /**
   * True once this JVM's poller is started and the library's classes are loaded; written
   * once, by whichever thread opens a selector first (done twice at worst: harmless).
   */
  private static volatile boolean prepared;

  private final Selector selector;
  private final Set<SelectionKey> selected;
  /** Where the loop's sockets read into, before the bytes go to a reader's buffer. */
  final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);

  /** Where a failed select() is reported: the loop's exception handler. */
  private final BiConsumer<String, Throwable> errors;

  /** Where {@link #addReady} puts handlers: {@code collect}'s queue, while it collects. */
  private ReadyQueue collecting;

  /** {@link #addReady}, for the select that hands it each ready key. */
  private final Consumer<SelectionKey> toReady = this::addReady;

  SelectorEvents(BiConsumer<String, Throwable> errors) {
    this.errors = errors;
    Selector s;
    try {
      s = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for the event loop", e);
    }
    try {
      prepareForExhaustion(s);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // it was never used
      }
      throw new UncheckedIOException(
          "cannot start the JDK's poller, which a virtual thread's select() needs", e);
    }
    selector = s;
    selected = selector.selectedKeys();
  }

  /**
   * Once per JVM: starts the JDK's poller with a short timed select on a virtual thread (on {@code
   * fresh}, which watches nothing yet), and loads the library's classes (see LibraryClasses).
   */
  private static void prepareForExhaustion(Selector fresh) throws IOException {
    if (prepared) {
      return;
    }
    LibraryClasses.loadAll(); // loading a class takes a descriptor: none may be left later
    Throwable[] failure = new Throwable[1];
    Thread starter =
        Thread.ofVirtual()
            .name("fgbg-poller-start")
            .start(
                () -> {
                  try {
                    fresh.select(1); // a virtual thread parks on the JDK's poller, starting it
                  } catch (Throwable e) { // IOException, or the poller's failed initialization
                    failure[0] = e;
                  }
                });
    joinUninterruptibly(starter);
    if (failure[0] instanceof IOException e) {
      throw e;
    } else if (failure[0] != null) {
      throw new IOException(failure[0].toString(), failure[0]);
    }
    prepared = true;
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    for (; ; ) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // kept for the caller: the join takes a millisecond
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Watches {@code channel} for {@code ops}; {@code handler} runs on the loop when it is ready. */
  SelectionKey register(SelectableChannel channel, int ops, Runnable handler)
      throws ClosedChannelException {
    return channel.register(selector, ops, handler);
  }

  Selector selector() {
    return selector;
  }

  /** Tells whether any channel is watched, so that waiting for work must select. */
  boolean isWatching() {
    return !selector.keys().isEmpty();
  }

  /**
   * Moves the handlers of the channels that are ready now to the end of {@code ready}.
   *
   * <p>Two ways, so that no handler comes twice. If a select since the last collect (a wait's, or
   * the one {@link #release} makes) left keys in the selected-key set, those are taken and no
   * other select is made: that select has just looked, and a socket that became ready since is
   * found by the next iteration's (as is a {@link #wakeup()} made meanwhile, which at worst ends
   * one wait early). Else it selects handing each ready key straight to {@link #toReady}, which
   * leaves the selected-key set alone: that set is a {@code HashSet}, which allocates an entry for
   * every key added to it, on every iteration.
   */
  void collect(ReadyQueue ready) {
    collecting = ready;
    try {
      if (!selected.isEmpty()) {
        Iterator<SelectionKey> keys = selected.iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          addReady(key);
        }
      } else {
        selector.selectNow(toReady);
      }
    } catch (IOException e) {
      errors.accept("the event loop's select() failed; the loop goes on", e);
    } finally {
      collecting = null;
    }
  }

  /** Puts the handler of {@code key}, found ready, into {@link #collecting}, unless cancelled. */
  private void addReady(SelectionKey key) {
    if (key.isValid()) {
      collecting.addLast(key.attachment());
    }
  }

  /**
   * Waits until a channel is ready, {@link #wakeup()} is called, the thread is interrupted, or
   * {@code timeoutMillis} have passed (0: no limit). What is ready is left for {@link #collect}.
   */
  void await(long timeoutMillis) {
    select(timeoutMillis);
  }

  /** Ends a wait in {@link #await}, or the next one if none is going on; from any thread. */
  void wakeup() {
    selector.wakeup();
  }

  /** Stops watching {@code key}'s channel and closes it, releasing its descriptor at once. */
  void release(SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException ignored) {
      // closing a socket that failed: nothing more to release
    }
    select(-1); // deregisters the cancelled key, which closes the descriptor
  }

  /**
   * Selects: without waiting if {@code timeoutMillis} is negative, else as {@link #await}. A
   * failure is reported and the loop goes on; a wait that failed sleeps briefly instead, so that a
   * selector failing each time does not spin.
   */
  private void select(long timeoutMillis) {
    try {
      if (timeoutMillis < 0) {
        selector.selectNow();
      } else {
        selector.select(timeoutMillis);
      }
    } catch (IOException e) {
      errors.accept("the event loop's select() failed; the loop goes on", e);
      if (timeoutMillis >= 0) {
        long pause = timeoutMillis == 0 ? FAILED_SELECT_PAUSE_NANOS : timeoutMillis * 1_000_000L;
        LockSupport.parkNanos(this, Math.min(pause, FAILED_SELECT_PAUSE_NANOS));
      }
    }
  }

  /** At the loop's close: closes every channel still watched, then the selector. */
  void close() {
    for (SelectionKey key : selector.keys()) {
      try {
        key.channel().close();
      } catch (IOException ignored) {
        // the loop is closing: the channel goes either way
      }
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // nothing is left to release
    }
  }
}
