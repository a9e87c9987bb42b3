package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.StreamsLoopSupport.foreground;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The far end of a connection of the stream suite, driven by the test (see {@link StreamsNetwork}):
 * over TCP a plain blocking socket, over a memory network the reader and writer of the other end,
 * used from the test thread between foreground runs.
 */
interface StreamsPeer {
  /** Sends {@code data} at once, in one write. */
  void send(byte[] data) throws Exception;

  default void send(String text) throws Exception {
    send(text.getBytes(UTF_8));
  }

  /**
   * Sends {@code total} bytes of {@link StreamsLoopSupport#pattern} in the background, then ends
   * the stream.
   */
  Task<Void> sendPatternThenEnd(int total, int chunk);

  /**
   * Ends the stream the peer sends. Over TCP only the sending half is shut (the peer still reads);
   * over a memory network the peer's writer is closed, which stops its reading too, as {@code
   * close()} of any fgbg writer does.
   */
  void endStream() throws Exception;

  /** Resets the connection: over TCP the socket closes with an RST; over memory, {@code reset}. */
  void reset() throws Exception;

  /** Reads {@code n} bytes, or fewer if the stream ends first. */
  byte[] readExactly(int n) throws Exception;

  /** Reads until the end of the stream. */
  byte[] readToEnd() throws Exception;

  /** Reads until the end of the stream in the background. */
  Task<byte[]> readToEndInBackground();

  /** Closes the peer's end (at the end of a test). */
  void close() throws Exception;

  /** A plain blocking socket of the test thread. */
  final class OverSocket implements StreamsPeer {
    final Socket socket;

    OverSocket(Socket socket) {
      this.socket = socket;
    }

    @Override
    public void send(byte[] data) throws Exception {
      StreamsLoopSupport.send(socket, data);
    }

    @Override
    public Task<Void> sendPatternThenEnd(int total, int chunk) {
      return callInBackground(
          () -> {
            OutputStream out = socket.getOutputStream();
            for (int off = 0; off < total; off += chunk) {
              out.write(StreamsLoopSupport.pattern(off, Math.min(chunk, total - off)));
            }
            socket.shutdownOutput();
            return null;
          });
    }

    @Override
    public void endStream() throws Exception {
      socket.shutdownOutput();
    }

    @Override
    public void reset() throws Exception {
      StreamsLoopSupport.reset(socket);
    }

    @Override
    public byte[] readExactly(int n) throws Exception {
      return StreamsLoopSupport.readBlocking(socket, n);
    }

    @Override
    public byte[] readToEnd() throws Exception {
      return StreamsLoopSupport.readToEnd(socket);
    }

    @Override
    public Task<byte[]> readToEndInBackground() {
      return callInBackground(this::readToEnd);
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  /** The other end of a memory network's connection. */
  final class OverLoop implements StreamsPeer {
    private final MemoryNetwork network;
    final StreamReader reader;
    final StreamWriter writer;
    private Closer closer;

    interface Closer {
      void close() throws Exception;
    }

    OverLoop(MemoryNetwork network, StreamReader reader, StreamWriter writer) {
      this.network = network;
      this.reader = reader;
      this.writer = writer;
    }

    /** What close() does besides closing the writer (a handler's end: let the handler return). */
    void whenClosed(Closer closer) {
      this.closer = closer;
    }

    @Override
    public void send(byte[] data) {
      writer.write(data);
    }

    @Override
    public Task<Void> sendPatternThenEnd(int total, int chunk) {
      return scheduleCoroutine(
          () -> {
            for (int off = 0; off < total; off += chunk) {
              writer.write(StreamsLoopSupport.pattern(off, Math.min(chunk, total - off)));
              await(writer.drain());
            }
            writer.close();
            return null;
          });
    }

    @Override
    public void endStream() {
      writer.close();
    }

    @Override
    public void reset() {
      network.reset(writer);
    }

    @Override
    public byte[] readExactly(int n) throws Exception {
      return foreground(
          () -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] chunk;
            while (all.size() < n && (chunk = await(reader.read(n - all.size()))).length > 0) {
              all.write(chunk);
            }
            return all.toByteArray();
          });
    }

    @Override
    public byte[] readToEnd() throws Exception {
      return foreground(reader.read(-1));
    }

    @Override
    public Task<byte[]> readToEndInBackground() {
      return scheduleCoroutine(reader.read(-1));
    }

    @Override
    public void close() throws Exception {
      writer.close();
      if (closer != null) {
        closer.close();
      }
    }
  }
}
