package io.fgbg;

/**
 * A {@link Transport} that feeds a {@link Protocol} and lets it be replaced on an open connection:
 * asyncio's {@code get_protocol} / {@code set_protocol}, what {@code startTls} needs to put the TLS
 * layer between a socket and its stream. {@link SocketTransport} is one; so is the TLS layer's
 * own side towards the stream ({@link SSLProtocol}), so TLS can run inside TLS.
 *
 * <p>Regime: only the thread holding the loop's baton calls these methods.
 */
interface ProtocolTransport extends Transport {
  /** The protocol fed now. */
  Protocol protocol();

  /** Feeds {@code protocol} from the next chunk on; the old one is told nothing. */
  void setProtocol(Protocol protocol);
}
