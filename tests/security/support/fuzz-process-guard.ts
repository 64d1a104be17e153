/**
 * Records unhandled rejections and uncaught exceptions of this process while
 * a test throws bad input at an in-process server: any of them means the
 * server let a failure escape.
 */
export interface ProcessGuard {
  readonly failures: string[];
  stop(): void;
}

export function watchProcessFailures(): ProcessGuard {
  const failures: string[] = [];
  const onRejection = (reason: unknown) =>
    void failures.push(`unhandledRejection: ${String(reason)}`);
  const onException = (error: Error) =>
    void failures.push(`uncaughtException: ${error.stack ?? error.message}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    failures,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
