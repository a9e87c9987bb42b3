package io.fgbg;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * The networks the stream suite runs over, as Okio runs one suite over several implementations
 * through a factory enum: each test marked {@link OverEveryNetwork} runs once per constant, each
 * time on a fresh loop and a fresh network of that kind.
 *
 * <ul>
 *   <li>{@link #TCP}: real sockets, on a loop on the real clock (the network needs real time).
 *   <li>{@link #MEMORY}: a {@link MemoryNetwork}, on a loop on the virtual clock: every wait of the
 *       suite is exact virtual time, and a run is the same at every run.
 *   <li>{@link #MEMORY_ONE_BYTE}: the same, delivering one byte per read, so that every line,
 *       separator and character is put together from one-byte segments.
 * </ul>
 */
enum StreamsFactory {
  TCP {
    @Override
    EventLoop newLoop() {
      return EventLoop.create();
    }

    @Override
    StreamsNetwork newNetwork() {
      return new StreamsNetwork.Tcp();
    }
  },
  MEMORY {
    @Override
    EventLoop newLoop() {
      return EventLoop.createWithVirtualClock();
    }

    @Override
    StreamsNetwork newNetwork() {
      return new StreamsNetwork.Memory(new MemoryNetwork());
    }
  },
  MEMORY_ONE_BYTE {
    @Override
    EventLoop newLoop() {
      return EventLoop.createWithVirtualClock();
    }

    @Override
    StreamsNetwork newNetwork() {
      MemoryNetwork network = new MemoryNetwork();
      network.setMaxBytesPerRead(1);
      return new StreamsNetwork.Memory(network);
    }

    @Override
    int bulk(int bytes) {
      // a loop iteration per byte: a sixteenth keeps a test to a second or so, and at least
      // 256 KiB is still more than the window, the reader and the writer's high-water mark hold
      return Math.max(bytes / 16, Math.min(bytes, 256 * 1024));
    }
  };

  /** A fresh loop for one test, not bound to any thread yet. */
  abstract EventLoop newLoop();

  /** A fresh network for one test. */
  abstract StreamsNetwork newNetwork();

  /**
   * The size of a bulk transfer of about {@code bytes}: as given, except where every byte costs a
   * loop iteration. Still far more than the buffers on the way hold (a few hundred KiB).
   */
  int bulk(int bytes) {
    return bytes;
  }

  /** Runs a test template once per factory, telling the test instance which one it runs over. */
  static final class Each implements TestTemplateInvocationContextProvider {
    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
      return StreamsLoopSupport.class.isAssignableFrom(context.getRequiredTestClass());
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
        ExtensionContext context) {
      return Arrays.stream(values()).map(Each::over);
    }

    private static TestTemplateInvocationContext over(StreamsFactory factory) {
      return new TestTemplateInvocationContext() {
        @Override
        public String getDisplayName(int invocationIndex) {
          return factory.name();
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
          // runs before the @BeforeEach methods, which make the loop and network of the factory
          BeforeEachCallback choose =
              test -> ((StreamsLoopSupport) test.getRequiredTestInstance()).factory = factory;
          return List.of(choose);
        }
      };
    }
  }
}
