/** One map from failures to HTTP answers; unknown errors are logged with the request id, never detailed. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERRORS, errorBody } from '../../shared/errors.js';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import { isDomainError } from '../rules/domain-error.js';
import type { Logger } from '../logger.js';
import type { AppEnv } from './context.js';

export function handleError(logger: Logger) {
  return (error: Error, c: Context<AppEnv>): Response => {
    if (isDomainError(error)) {
      return c.json(
        errorBody(error.code, error.message, {
          remainingAttempts: error.remainingAttempts,
          ...error.details,
        }),
        ERRORS[error.code].status as ContentfulStatusCode,
      );
    }
    if (error instanceof HTTPException && error.status < 500) {
      const message =
        error.status === 413
          ? 'La requête est trop volumineuse.'
          : 'La requête ne peut pas être traitée.';
      return c.json(errorBody('VALIDATION_FAILED', message), error.status as ContentfulStatusCode);
    }
    if (isDatabaseUnavailable(error)) {
      // A restart or a failover: nothing wrong with the request, which may be sent again.
      logger.warn({ err: error, requestId: c.get('requestId') }, 'database unavailable');
      c.header('Retry-After', '5');
      return c.json(errorBody('SERVICE_UNAVAILABLE'), 503);
    }
    logger.error(
      { err: error, requestId: c.get('requestId'), route: c.req.routePath, method: c.req.method },
      'unexpected error',
    );
    return c.json(errorBody('INTERNAL'), 500);
  };
}
