/**
 * CORS for the API (SECURITY.md, « Origins »): the extension's pages call it
 * from their own origin. Hono's own `cors` middleware sets its headers on
 * `c.res` before the route runs, so Hono then copies every answer into a new
 * `Response` to keep them, and the answer leaves as a stream: about a tenth
 * of a command's CPU in the server process (BENCHMARKS.md, "Where the time
 * goes"). These headers go through `c.header`, which the answer is built with.
 */
import type { MiddlewareHandler } from 'hono';

export interface CorsOptions {
  isAllowedOrigin(origin: string): boolean;
  allowMethods: readonly string[];
  allowHeaders: readonly string[];
  exposeHeaders: readonly string[];
  maxAgeSeconds: number;
}

export function corsHeaders(options: CorsOptions): MiddlewareHandler {
  const allowMethods = options.allowMethods.join(',');
  const allowHeaders = options.allowHeaders.join(',');
  const exposeHeaders = options.exposeHeaders.join(',');
  const maxAge = String(options.maxAgeSeconds);
  return async (c, next) => {
    const origin = c.req.header('origin') ?? '';
    if (origin !== '' && options.isAllowedOrigin(origin)) {
      c.header('Access-Control-Allow-Origin', origin);
    }
    c.header('Access-Control-Expose-Headers', exposeHeaders);
    c.header('Vary', 'Origin', { append: true });
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Max-Age', maxAge);
      c.header('Access-Control-Allow-Methods', allowMethods);
      c.header('Access-Control-Allow-Headers', allowHeaders);
      c.header('Vary', 'Access-Control-Request-Headers', { append: true });
      return c.body(null, 204);
    }
    await next();
  };
}
