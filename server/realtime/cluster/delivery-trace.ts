/**
 * The stages a commit's events pass on their way to the sockets, published on
 * a diagnostics channel for whoever subscribes (the fan-out benchmark splits
 * its latency with them; a tracer could too). Nothing is built when nobody
 * listens.
 */
import { channel } from 'node:diagnostics_channel';
import type { StoredEvent } from '../../events/append-events.js';

export const DELIVERY_CHANNEL = 'qrp:realtime:delivery';

export type DeliveryStage =
  /** The commit's events reach the realtime side of the committing node. */
  | 'published'
  /** This node's sockets have them (written to their connections). */
  | 'delivered-here'
  /** Handed to the adapter for the other nodes. */
  | 'sent-to-nodes'
  /** Another node's commit arrives through the adapter. */
  | 'received-from-node'
  /** This node's sockets have that other node's events. */
  | 'delivered-from-node';

export interface DeliveryStamp {
  stage: DeliveryStage;
  /** The commit's events, in order, by their place in their streams. */
  events: { stream: string; seq: number }[];
}

const delivery = channel(DELIVERY_CHANNEL);

export function traceDelivery(stage: DeliveryStage, events: readonly StoredEvent[]): void {
  if (!delivery.hasSubscribers) return;
  const stamp: DeliveryStamp = {
    stage,
    events: events.map(({ stream, seq }) => ({ stream, seq })),
  };
  delivery.publish(stamp);
}
