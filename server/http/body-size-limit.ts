/**
 * Refuses bodies over `maxSize` bytes with a French 413. A declared
 * Content-Length is checked from the header alone, so the request's body stays
 * on @hono/node-server's direct read path (no web `Request` and stream built
 * per request); only a chunked body, of unknown size, is counted as it is read.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export function bodySizeLimit(options: {
  maxSize: number;
  onError: (c: Context) => Response;
}): MiddlewareHandler {
  const counted = bodyLimit(options);
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared === undefined || c.req.header('transfer-encoding') !== undefined) {
      // GET and HEAD bodies are never read here.
      const method = c.req.method;
      return method === 'GET' || method === 'HEAD' ? next() : counted(c, next);
    }
    // Node's HTTP parser has already refused a malformed length.
    if (Number(declared) > options.maxSize) return options.onError(c);
    await next();
  };
}
