package io.github.kimisdk.examples;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Catches Ctrl-C (SIGINT) with {@code sun.misc.Signal}, from the {@code jdk.unsupported} module:
 * the JDK offers no supported API to handle a signal without exiting ({@code
 * Runtime.addShutdownHook} runs only as the JVM ends). It is looked up reflectively because javac
 * warns on every direct use of {@code sun.*} classes and the build treats warnings as errors. Used
 * by {@link KimiChat} only; the SDK itself never touches signals.
 *
 * <p>A process can start with SIGINT ignored: a background job of a non-interactive shell ({@code
 * mvn verify &} in a script, {@code nohup}) does, and so does every process it starts. Ctrl-C
 * cannot reach such a process (the JVM then does not even install a handler, and {@code
 * Signal.handle} answers {@code SIG_IGN}), so {@link #install} puts {@code SIG_IGN} back and says
 * that Ctrl-C is not caught.
 */
final class CtrlC {

  private CtrlC() {}

  /**
   * Runs {@code action} on each Ctrl-C instead of exiting.
   *
   * @return false when the signal cannot be handled here (the default behaviour stays), or when
   *     SIGINT is ignored in this process, so that Ctrl-C can never reach it (it stays ignored)
   */
  static boolean install(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      InvocationHandler onSignal =
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              action.run();
              return null;
            }
            if (method.getName().equals("toString")) {
              return "kimi-chat Ctrl-C handler";
            }
            if (method.getName().equals("hashCode")) {
              return System.identityHashCode(proxy);
            }
            return proxy == args[0];
          };
      Object handler =
          Proxy.newProxyInstance(
              CtrlC.class.getClassLoader(), new Class<?>[] {handlerType}, onSignal);
      Object sigint = signal.getConstructor(String.class).newInstance("INT");
      Method handle = signal.getMethod("handle", signal, handlerType);
      Object ignore = handlerType.getField("SIG_IGN").get(null);
      Object previous = handle.invoke(null, sigint, handler);
      if (previous == ignore) {
        handle.invoke(null, sigint, ignore); // as it was: nobody can send us Ctrl-C
        return false;
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
