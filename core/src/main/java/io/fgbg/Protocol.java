package io.fgbg;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a {@link Transport} feeds: asyncio's {@code Protocol}, the receiving side of the seam
 * between what carries bytes and what makes sense of them. The stream's protocol ({@link
 * StreamProtocol}, asyncio's {@code StreamReaderProtocol}) hands the bytes to a {@link
 * LoopStreamReader} and the flow control to a {@link LoopStreamWriter}; the TLS layer ({@link
 * SSLProtocol}) decrypts them and feeds the stream's protocol in turn. A transport that lets its
 * protocol be replaced ({@link ProtocolTransport}) can be upgraded to TLS in place.
 *
 * <p>Regime: only the thread holding the loop's baton calls these methods, each from a callback
 * of the loop (never from inside a call the protocol made on its transport, except {@link
 * #pauseWriting} and {@link #resumeWriting}, which a transport calls from its {@code write}).
 *
 * <p>A transport's duties, in order: {@code dataReceived} for each chunk read, {@code
 * eofReceived} once if the peer ends its side, {@code pauseWriting} when more than {@link
 * Transport#HIGH_WATER} bytes wait to be sent and {@code resumeWriting} once at most {@link
 * Transport#LOW_WATER} do, and {@code connectionLost} exactly once, at least one loop iteration
 * after the close or failure that caused it; nothing after it.
 */
interface Protocol {
  /**
   * Bytes that arrived: {@code data} from its position to its limit. The buffer is the
   * transport's and is valid only during the call: a protocol that keeps bytes copies them.
   */
  void dataReceived(ByteBuffer data);

  /** The peer ended its side of the stream; writing may go on (a half-close). */
  void eofReceived();

  /** The connection is closed ({@code failure} null) or lost; the last call of the transport. */
  void connectionLost(IOException failure);

  /** The transport's send buffer is over its high-water mark. */
  void pauseWriting();

  /** The transport's send buffer is back at its low-water mark. */
  void resumeWriting();
}
