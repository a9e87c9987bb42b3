package io.fgbg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Set;

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
 */
final class SelectorEvents {
  private final Selector selector;
  private final Set<SelectionKey> selected;
  /** Where the loop's sockets read into, before the bytes go to a reader's buffer. */
  final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);

  SelectorEvents() {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for the event loop", e);
    }
    selected = selector.selectedKeys();
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

  /** Moves the handlers of the channels that are ready now to the end of {@code ready}. */
  void collect(ArrayDeque<Object> ready) {
    select(-1);
    if (selected.isEmpty()) {
      return;
    }
    Iterator<SelectionKey> keys = selected.iterator();
    while (keys.hasNext()) {
      SelectionKey key = keys.next();
      keys.remove();
      if (key.isValid()) {
        ready.addLast(key.attachment());
      }
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

  /** Selects: without waiting if {@code timeoutMillis} is negative, else as {@link #await}. */
  private void select(long timeoutMillis) {
    try {
      if (timeoutMillis < 0) {
        selector.selectNow();
      } else {
        selector.select(timeoutMillis);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the event loop's selector failed", e);
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
