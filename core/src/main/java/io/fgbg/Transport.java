package io.fgbg;

import java.net.InetSocketAddress;

/**
 * What carries a stream's bytes: asyncio's read and write transport, as a {@link LoopStreamReader}
 * and a {@link LoopStreamWriter} see it. A socket ({@link SocketTransport}) is one; a pipe to a
 * child process or an in-memory connection is another, behind the same reader and writer.
 *
 * <p>Regime: only the thread holding the loop's baton calls these methods, except {@link
 * #isClosing} and {@link #peerAddress}, which any thread may read.
 *
 * <p>What a transport owes its reader and writer: it feeds the reader ({@code feed}, {@code
 * feedEof}, {@code setException}); it calls the writer's {@code pauseWriting} when more than
 * {@link #HIGH_WATER} bytes wait to be sent and {@code resumeWriting} once at most {@link
 * #LOW_WATER} do; and, once the bytes are gone for good, it calls {@code connectionLost} on the
 * writer one loop iteration after the close or failure, never from inside a call of the writer.
 */
interface Transport {
  /** Bytes waiting to be sent above which the writer pauses (asyncio's default high-water mark). */
  int HIGH_WATER = 64 * 1024;

  /** Bytes waiting to be sent at or under which a paused writer resumes. */
  int LOW_WATER = 16 * 1024;

  /** Stops feeding the reader until {@link #resumeReading}: its buffer is full. */
  void pauseReading();

  /** Feeds the reader again. */
  void resumeReading();

  /** Sends {@code data[off, off+len)}, buffering what cannot go at once; dropped once lost. */
  void write(byte[] data, int off, int len);

  /** Stops reading, and closes once what was written has been sent. Again: nothing. */
  void close();

  /** Closes at once: what was not sent yet is dropped, the reader sees the end of the stream. */
  void abort();

  /** True once {@link #close} or {@link #abort} was called or the transport failed. */
  boolean isClosing();

  /** The peer's address, or null where there is none (a pipe). */
  InetSocketAddress peerAddress();

  /** What messages call it: "/127.0.0.1:8888", "stdin of process 4242". */
  String name();
}
