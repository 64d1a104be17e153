/**
 * The baseline of the second-start benchmark: the least a Node process
 * built and started as the server is can do before `/health` answers — a
 * minimal @hono/node-server app, no database.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/health', (c) => c.json({ ok: true }));
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' });
