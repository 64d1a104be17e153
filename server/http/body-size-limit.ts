/**
 * Refuses bodies over `maxSize` bytes with a French 413. A declared
 * Content-Length is checked from the header alone, so the request's body stays
 * on @hono/node-server's direct read path (no web `Request` and stream built
 * per request); only a chunked body, of unknown size, is counted as it is read.
 * An HTTP/1.1 request with neither header has no body (RFC 9112, 6.3): nothing
 * to count.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export function bodySizeLimit(options: {
  /** The limit of a request: a few routes take whole tables (`largeBodies` in create-app.ts). */
  maxSize: (c: Context) => number;
  onError: (c: Context) => Response;
}): MiddlewareHandler {
  const counters = new Map<number, MiddlewareHandler>();
  const counted = (maxSize: number): MiddlewareHandler => {
    let counter = counters.get(maxSize);
    if (!counter)
      counters.set(maxSize, (counter = bodyLimit({ maxSize, onError: options.onError })));
    return counter;
  };
  return async (c, next) => {
    const maxSize = options.maxSize(c);
    const declared = c.req.header('content-length');
    if (c.req.header('transfer-encoding') !== undefined) {
      // GET and HEAD bodies are never read here.
      const method = c.req.method;
      return method === 'GET' || method === 'HEAD' ? next() : counted(maxSize)(c, next);
    }
    if (declared === undefined) return next();
    // Node's HTTP parser has already refused a malformed length.
    if (Number(declared) > maxSize) return options.onError(c);
    await next();
  };
}
