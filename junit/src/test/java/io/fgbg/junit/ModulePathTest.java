package io.fgbg.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fgbg.EventLoop;
import io.fgbg.inspect.LoopInspection;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On the module path, {@code io.fgbg.inspect} is open to the extension alone: the two modules and
 * JUnit's API, resolved in a module layer of their own (the tests themselves run on the class
 * path, where a qualified export is not enforced), export it to {@code io.fgbg.junit} and to no
 * other module; code outside cannot call it; and the extension, calling it from its module,
 * works: it finds a task left pending.
 */
class ModulePathTest {
  private static ModuleLayer layer;

  /** The jar or class directory that {@code type} was loaded from. */
  private static Path whereIs(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @BeforeAll
  static void resolveTheModulesInALayerOfTheirOwn() throws Exception {
    ModuleFinder finder =
        ModuleFinder.of(
            whereIs(EventLoop.class),
            whereIs(FgbgExtension.class),
            whereIs(org.junit.jupiter.api.Test.class),
            whereIs(org.junit.platform.commons.support.AnnotationSupport.class),
            whereIs(org.opentest4j.AssertionFailedError.class),
            whereIs(org.apiguardian.api.API.class));
    Configuration configuration =
        ModuleLayer.boot()
            .configuration()
            .resolve(finder, ModuleFinder.of(), Set.of("io.fgbg.junit"));
    layer =
        ModuleLayer.boot()
            .defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
  }

  private static Module module(String name) {
    return layer.findModule(name).orElseThrow();
  }

  private static Class<?> load(String className) throws ClassNotFoundException {
    return Class.forName(className, true, module("io.fgbg").getClassLoader());
  }

  @Test
  void theInspectionIsExportedToTheExtensionAndToNoOtherModule() {
    Module core = module("io.fgbg");
    assertThat(core.isExported("io.fgbg")).isTrue();
    assertThat(core.isExported("io.fgbg.inspect")).isFalse();
    assertThat(core.isExported("io.fgbg.inspect", module("io.fgbg.junit"))).isTrue();
    assertThat(core.isExported("io.fgbg.inspect", module("org.junit.jupiter.api"))).isFalse();
    assertThat(core.isExported("io.fgbg.inspect", getClass().getModule())).isFalse();
  }

  @Test
  void codeOutsideTheExtensionCannotCallTheInspection() throws Exception {
    Class<?> eventLoop = load(EventLoop.class.getName());
    Object loop = eventLoop.getMethod("createVirtual").invoke(null);
    Method hasReadyWork =
        load(LoopInspection.class.getName()).getMethod("hasReadyWork", eventLoop);
    try {
      assertThatThrownBy(() -> hasReadyWork.invoke(null, loop))
          .isInstanceOf(IllegalAccessException.class)
          .hasMessageContaining("does not export io.fgbg.inspect to unnamed module");
    } finally {
      eventLoop.getMethod("close").invoke(loop);
    }
  }

  @Test
  void theExtensionFindsATaskLeftPendingFromItsOwnModule() throws Exception {
    ClassLoader loader = module("io.fgbg").getClassLoader();
    Class<?> contextType =
        Class.forName("org.junit.jupiter.api.extension.ExtensionContext", true, loader);
    Class<?> storeType =
        Class.forName("org.junit.jupiter.api.extension.ExtensionContext$Store", true, loader);
    Map<Object, Object> values = new HashMap<>();
    Object store =
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {storeType},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "put" -> values.put(args[0], args[1]);
                  case "get" -> values.get(args[0]);
                  case "remove" -> values.remove(args[0]);
                  default -> throw new UnsupportedOperationException(method.getName());
                });
    Object context =
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {contextType},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getTestMethod", "getExecutionException" -> Optional.empty();
                  case "getStore" -> store;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
    Class<?> extensionType = Class.forName(FgbgExtension.class.getName(), true, loader);
    Object extension = extensionType.getConstructor().newInstance();
    Class<?> fgbg = load("io.fgbg.Fgbg");
    Class<?> coroutine = load("io.fgbg.Coroutine");

    extensionType.getMethod("beforeEach", contextType).invoke(extension, context);
    Object sleep = fgbg.getMethod("sleep", Duration.class).invoke(null, Duration.ofSeconds(1));
    fgbg.getMethod("scheduleCoroutine", coroutine).invoke(null, sleep);
    Method afterEach = extensionType.getMethod("afterEach", contextType);

    assertThatThrownBy(() -> afterEach.invoke(extension, context))
        .isInstanceOf(InvocationTargetException.class)
        .cause()
        .isExactlyInstanceOf(AssertionError.class)
        .hasMessage(
            "the test left work behind on its event loop:\n"
                + "  task [1] Task-1 is still pending: waiting on sleep of Task-1");
    assertThat(values).as("the extension's store, emptied").isEmpty();
  }
}
