/** Turns SIGTERM and SIGINT into a graceful stop, and a repeated signal into an immediate exit. */
import type { Logger } from 'pino';

/** The signals a pod (SIGTERM from the kubelet) or a terminal (SIGINT from Ctrl-C) sends to stop a program. */
export const shutdownSignals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Calls `onShutdown` on the first SIGTERM or SIGINT; a second one exits the process with code 1, as
 * controller-runtime's signal handler does: listening replaces Node's default exit, so without this a shutdown
 * that hangs could not be interrupted. Returns a function removing the listeners.
 */
export function handleShutdownSignals(onShutdown: (signal: NodeJS.Signals) => void, logger: Logger): () => void {
  let received = false;
  const listener = (signal: NodeJS.Signals): void => {
    if (received) {
      logger.error({ signal }, 'second shutdown signal: exiting now');
      process.exit(1);
    }
    received = true;
    logger.info({ signal }, 'shutdown signal received: stopping gracefully (send it again to exit at once)');
    onShutdown(signal);
  };
  for (const signal of shutdownSignals) process.on(signal, listener);
  return () => {
    for (const signal of shutdownSignals) process.off(signal, listener);
  };
}
