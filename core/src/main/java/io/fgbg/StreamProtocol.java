package io.fgbg;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The protocol of a stream: asyncio's {@code StreamReaderProtocol}. It hands what its transport
 * reads to a {@link LoopStreamReader} and the transport's flow control to a {@link
 * LoopStreamWriter}, and tells both when the connection is lost. {@code startTls} replaces the
 * transport under the reader and writer ({@link #replaceTransport}), as asyncio's {@code
 * _replace_transport} does, and keeps this protocol on top of the TLS layer.
 *
 * <p>A transport adopts it in three lines: {@code protocol = new StreamProtocol(loop, this, limit,
 * serverSide)}, then {@code protocol.dataReceived(bytes)}, {@code eofReceived()}, {@code
 * connectionLost(failure)}, {@code pauseWriting()} and {@code resumeWriting()} where it fed the
 * reader and writer before; {@link #reader} and {@link #writer} are the ends a connection hands
 * out.
 *
 * <p>Invariants: only the thread holding the loop's baton touches it. {@code transport} is what
 * the reader and writer use now: the one it was made with, or the TLS layer after {@code
 * startTls}. {@code serverSide} is fixed: true for a connection a server accepted.
 */
final class StreamProtocol implements Protocol {
  final LoopStreamReader reader;
  final LoopStreamWriter writer;
  /** True for a connection a server accepted: the side a later startTls takes. */
  final boolean serverSide;
  private Transport transport;
  private boolean eofReceived;
  private boolean lost;

  StreamProtocol(EventLoop loop, Transport transport, int limit, boolean serverSide) {
    this.transport = transport;
    this.serverSide = serverSide;
    this.reader = new LoopStreamReader(loop, limit);
    this.writer = new LoopStreamWriter(loop, transport, reader);
    reader.setTransport(transport, transport.name());
  }

  /** What the reader and writer use now. */
  Transport transport() {
    return transport;
  }

  /** Puts {@code replacement} (the TLS layer) under the reader and writer. */
  void replaceTransport(Transport replacement) {
    transport = replacement;
    reader.setTransport(replacement, replacement.name());
    writer.setTransport(replacement);
    if (reader.isPausingTransport()) {
      replacement.pauseReading(); // the reader's buffer is still full: the new transport must know
    }
  }

  /** True once the peer ended its side, or the connection is gone: no handshake can follow. */
  boolean isEnded() {
    return eofReceived || lost;
  }

  @Override
  public void dataReceived(ByteBuffer data) {
    reader.feed(data);
  }

  @Override
  public void eofReceived() {
    eofReceived = true;
    reader.feedEof();
  }

  @Override
  public void connectionLost(IOException failure) {
    lost = true;
    if (failure == null) {
      reader.feedEof();
    } else {
      reader.setException(failure);
    }
    writer.connectionLost(failure);
  }

  @Override
  public void pauseWriting() {
    writer.pauseWriting();
  }

  @Override
  public void resumeWriting() {
    writer.resumeWriting();
  }

  @Override
  public String toString() {
    return "StreamProtocol[" + transport.name() + (serverSide ? ", server side" : "") + "]";
  }
}
