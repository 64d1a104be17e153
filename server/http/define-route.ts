/**
 * Every route is declared once with its schemas: the same declaration
 * validates requests, checks who may call it, and feeds the OpenAPI document.
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

export interface RouteSpec<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
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
  query?: Q;
  params?: P;
  responses: Record<number, string>;
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
  z.ZodType | undefined
>[];

export function defineRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  A extends Access = Access,
>(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  services: AppServices,
  spec: RouteSpec<B, Q, P> & { access: A },
  handler: (c: Context<AppEnv>, input: RouteInput<B, Q, P, A>) => Promise<Response> | Response,
): void {
  registry.push(spec as RouteRegistry[number]);
  app.on(spec.method.toUpperCase(), spec.path, async (c) => {
    const auth = await authorize(c, services, spec.access);
    const params = spec.params ? parse(spec.params, c.req.param()) : undefined;
    const query = spec.query ? parse(spec.query, c.req.query()) : undefined;
    const body = spec.body ? parse(spec.body, await readJson(c)) : undefined;
    return handler(c, { body, query, params, auth } as RouteInput<B, Q, P, A>);
  });
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
