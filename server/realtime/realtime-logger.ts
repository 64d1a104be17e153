/** The little the realtime layer logs; a pino logger fits. */
export interface RealtimeLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export const consoleLogger: RealtimeLogger = {
  info() {},
  warn(object, message) {
    console.warn(message ?? '', object);
  },
  error(object, message) {
    console.error(message ?? '', object);
  },
};
