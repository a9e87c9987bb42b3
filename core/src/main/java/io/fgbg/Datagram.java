package io.fgbg;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One datagram a {@link DatagramEndpoint} received: its bytes and who sent them (asyncio's {@code
 * datagram_received(data, addr)}).
 *
 * <pre>{@code
 * Datagram d = await(endpoint.receive());
 * endpoint.send(d.data(), d.from());   // an echo
 * }</pre>
 *
 * <p>The array is the datagram's own: nothing else holds it. Two datagrams are equal only if they
 * share the array (a record's rule for array components).
 *
 * @param data the bytes, exactly as many as were sent
 * @param from the sender's address
 */
public record Datagram(byte[] data, InetSocketAddress from) {
  /**
   * A datagram.
   *
   * @param data the bytes
   * @param from the sender's address
   * @throws NullPointerException if {@code data} is null
   */
  public Datagram {
    Objects.requireNonNull(data, "data");
  }

  /**
   * Its size and sender, for messages: {@code Datagram[12 bytes from /127.0.0.1:5000]}.
   *
   * @return the description
   */
  @Override
  public String toString() {
    return "Datagram[" + data.length + " bytes from " + from + "]";
  }
}
