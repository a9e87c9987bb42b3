package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A reader's buffer grows to hold what is fed while part of it has been read: the bytes not yet
 * read move to the front of a buffer large enough for them and the new ones. (It grew too little
 * by the bytes already read, and a pipe's 64 KiB chunk after a partial read overflowed it.)
 */
class LoopStreamReaderGrowthTest extends LoopTestSupport {

  private static byte[] bytes(int from, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  @Test
  void aChunkLargerThanTheRoomLeftAfterAPartialReadIsKeptWholeAndInOrder() throws Exception {
    LoopStreamReader reader = new LoopStreamReader(loop, 1 << 20);
    byte[][] got =
        runInForeground(
            () -> {
              reader.feed(ByteBuffer.wrap(bytes(0, 3000)));
              byte[] first = await(reader.read(1000));
              reader.feed(ByteBuffer.wrap(bytes(3000, 5000)));
              reader.feed(ByteBuffer.wrap(bytes(8000, 65536)));
              reader.feedEof();
              return new byte[][] {first, await(reader.read(-1))};
            });
    assertThat(got[0]).isEqualTo(bytes(0, 1000));
    assertThat(got[1]).isEqualTo(bytes(1000, 2000 + 5000 + 65536));
  }
}
