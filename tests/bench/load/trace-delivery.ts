/**
 * Preloaded into a server process (`--import`, see `deliveryTracing` in
 * tests/bench/realtime/delivery-split.ts) to
 * split the fan-out's latency: stamps each stage of delivery the server
 * publishes (server/realtime/cluster/delivery-trace.ts) and the start and end of each
 * HTTP request, with the clock the bench and the load generator use, and
 * writes them to TRACE_DELIVERY_FILE as the process exits. Kept in memory
 * until then, so that tracing costs the measured path an array push.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import {
  DELIVERY_CHANNEL,
  type DeliveryStamp,
} from '../../../server/realtime/cluster/delivery-trace.js';
import { now } from './protocol.js';

/** One stamp: what happened, when, and to which event (the first of its commit), if any. */
export interface TraceStamp {
  stage: DeliveryStamp['stage'] | 'request' | 'answered';
  at: number;
  seq?: number;
}

const file = process.env.TRACE_DELIVERY_FILE;
if (file) {
  const stamps: TraceStamp[] = [];
  subscribe('http.server.request.start', () => stamps.push({ stage: 'request', at: now() }));
  subscribe('http.server.response.finish', () => stamps.push({ stage: 'answered', at: now() }));
  subscribe(DELIVERY_CHANNEL, (message) => {
    const { stage, events } = message as DeliveryStamp;
    stamps.push({ stage, at: now(), seq: events[0]?.seq });
  });
  process.on('exit', () => writeFileSync(file, JSON.stringify(stamps)));
}
