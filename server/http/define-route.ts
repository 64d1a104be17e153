/**
 * Every route is declared once with its schemas: the same declaration
 * validates requests, checks who may call it, types and sends its answer, and
 * feeds the OpenAPI document.
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Authenticated } from '../auth/sessions.js';
import { authenticateToken } from '../auth/sessions.js';
import { ERRORS } from '../../shared/errors.js';
import { DomainError } from '../rules/domain-error.js';
import type { AppEnv, AppServices } from './context.js';
import { frenchIssueMessage } from './french-validation.js';

export type Access = 'public' | 'user' | 'principal' | 'member' | 'admin';
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * The success answer of a route. A JSON answer names its schema (from
 * shared/api-answers.ts): the handler returns the body, typed by it, and
 * `defineRoute` sends it. A file answer (CSV) is a `Response` the handler
 * builds itself; a 204 has no body.
 */
export type RouteAnswer =
  | { status: 200 | 201; description: string; schema: z.ZodType }
  | { status: 204; description: string }
  | { status: 200; description: string; contentType: 'text/csv' };

/** What the handler of a route gives back for its answer. */
export type AnswerBody<R extends RouteAnswer> = R extends { schema: infer S extends z.ZodType }
  ? z.input<S>
  : R extends { status: 204 }
    ? void
    : Response;

export interface RouteSpec<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  R extends RouteAnswer = RouteAnswer,
> {
  method: Method;
  /** Hono path with `:params`, relative to the API base. */
  path: string;
  summary: string;
  /** Longer than the summary when a client must know more (Markdown, French). */
  description?: string;
  tag: string;
  access: Access;
  body?: B;
  /** A body that is a file, not JSON (the handler reads it): described, not validated. */
  fileBody?: { contentType: 'text/csv'; description: string };
  query?: Q;
  params?: P;
  answer: R;
  /** The refusals worth naming, by status (French). Their body is always the `Error` shape. */
  errors: Record<number, string>;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<B, Q, P, A extends Access> {
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  auth: A extends 'public' ? Authenticated | null : Authenticated;
}

export type RouteRegistry = RouteSpec<
  z.ZodType | undefined,
  z.ZodType | undefined,
  z.ZodType | undefined,
  RouteAnswer
>[];

export type RouteHandler<B, Q, P, A extends Access, R extends RouteAnswer> = (
  c: Context<AppEnv>,
  input: RouteInput<B, Q, P, A>,
) => Promise<AnswerBody<R>> | AnswerBody<R>;

export function defineRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  A extends Access = Access,
  R extends RouteAnswer = RouteAnswer,
>(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  services: AppServices,
  spec: RouteSpec<B, Q, P, R> & { access: A },
  handler: RouteHandler<B, Q, P, A, R>,
): void {
  registry.push(spec as RouteRegistry[number]);
  app.on(spec.method.toUpperCase(), spec.path, async (c) => {
    const auth = await authorize(c, services, spec.access);
    const params = spec.params ? parse(spec.params, c.req.param()) : undefined;
    const query = spec.query ? parse(spec.query, c.req.query()) : undefined;
    const body = spec.body ? parse(spec.body, await readJson(c)) : undefined;
    const result = await handler(c, { body, query, params, auth } as RouteInput<B, Q, P, A>);
    return send(c, spec.answer, result);
  });
}

/** The handler's result as the answer its route declares (headers it set are kept). */
function send(c: Context<AppEnv>, answer: RouteAnswer, result: unknown): Response {
  if ('schema' in answer) return c.json(result, answer.status);
  if (answer.status === 204) return c.body(null, 204);
  if (result instanceof Response) return result;
  throw new Error(`${c.req.routePath}: a file answer must be a Response`);
}

async function authorize(
  c: Context<AppEnv>,
  services: AppServices,
  access: Access,
): Promise<Authenticated | null> {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const auth = match?.[1] ? await authenticateToken(services.db, match[1]) : null;
  c.set('auth', auth);
  if (access === 'public') return auth;
  if (!auth) throw new DomainError('UNAUTHENTICATED');
  const role = auth.user.role;
  const allowed =
    access === 'user' ||
    (access === 'member' && role !== 'admin') ||
    (access === 'principal' && role === 'principal') ||
    (access === 'admin' && role === 'admin');
  if (!allowed) throw new DomainError('FORBIDDEN');
  return auth;
}

async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError('VALIDATION_FAILED', {
      message: "Le contenu de la requête n'est pas un JSON valide.",
    });
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  // The schemas' own messages win; frenchIssueMessage words every other issue.
  const result = schema.safeParse(value, { error: frenchIssueMessage });
  if (result.success) return result.data;
  const message = result.error.issues[0]?.message ?? ERRORS.VALIDATION_FAILED.message;
  throw new DomainError('VALIDATION_FAILED', { message });
}
