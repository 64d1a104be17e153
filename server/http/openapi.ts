/** The OpenAPI document, generated from the very schemas the routes validate with. */
import { z } from 'zod';
import { ERRORS } from '../../shared/errors.js';
import type { RouteAnswer, RouteRegistry } from './define-route.js';

export function buildOpenApi(registry: RouteRegistry, base: string, serverUrl: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of registry) {
    const path = `${base}${spec.path}`.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [...pathParameters(spec.path), ...queryParameters(spec.query)];
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      parameters,
      responses: {
        [spec.answer.status]: successResponse(spec.answer),
        ...Object.fromEntries(
          Object.entries(spec.errors).map(([status, description]) => [
            status,
            {
              description,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
            },
          ]),
        ),
      },
    };
    if (spec.description) operation.description = spec.description;
    if (spec.access !== 'public') operation.security = [{ bearer: [] }];
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: toSchema(spec.body) } },
      };
    }
    if (spec.fileBody) {
      operation.requestBody = {
        required: true,
        description: spec.fileBody.description,
        content: { [spec.fileBody.contentType]: { schema: { type: 'string' } } },
      };
    }
    paths[path] = { ...paths[path], [spec.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Questionnaires Risques Professionnels — Paramétrage',
      version: '1',
      description: 'SIRETs, utilisateurs secondaires, cession et dossiers d’un espace employeur.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: Object.keys(ERRORS) },
                message: { type: 'string', description: 'French, shown as is to the user.' },
                remainingAttempts: {
                  type: 'integer',
                  minimum: 1,
                  description:
                    'A counted refusal: the attempts left before the operation locks (docs/domain.md).',
                },
              },
            },
          },
        },
      },
    },
  };
}

function toSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

/** The declared answer: the JSON body's schema, a file's media type, or no content. */
function successResponse(answer: RouteAnswer): unknown {
  const { description } = answer;
  if ('schema' in answer) {
    return {
      description,
      content: { 'application/json': { schema: toSchema(answer.schema, 'output') } },
    };
  }
  if ('contentType' in answer) {
    return { description, content: { [answer.contentType]: { schema: { type: 'string' } } } };
  }
  return { description };
}

function pathParameters(path: string): unknown[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

function queryParameters(query: z.ZodType | undefined): unknown[] {
  if (!query) return [];
  const json = toSchema(query) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema,
  }));
}
