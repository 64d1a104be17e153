/**
 * Every stored event a panel applied, in order, cut into segments at each
 * snapshot it took: within a segment the ids must run on from the snapshot's
 * position without a hole, and no id may be applied twice in the panel's life
 * on the same stream.
 */
import type { LiveSync } from '../../../shared/live-sync.js';
import type { Snapshot } from '../../../shared/events.js';

interface Segment {
  stream: string;
  base: number;
  ids: number[];
}

export function streamOfSnapshot(state: Snapshot): string {
  return state.kind === 'member' ? `space:${state.spaceId}` : 'admin';
}

export class AppliedLog {
  private readonly segments: Segment[] = [];

  constructor(live: LiveSync) {
    const state = live.state;
    if (!state) throw new Error('the log starts after the first snapshot');
    this.segments.push({ stream: streamOfSnapshot(state), base: state.lastEventId, ids: [] });
    live.subscribe((change) => {
      if (!change.state) return;
      if (change.cause.kind === 'snapshot') {
        const state = change.state;
        this.segments.push({ stream: streamOfSnapshot(state), base: state.lastEventId, ids: [] });
      } else if (change.cause.kind === 'event' && change.cause.event.id > 0) {
        this.segments.at(-1)!.ids.push(change.cause.event.id);
      }
    });
  }

  /** How many stored events were applied. */
  get applied(): number {
    return this.segments.reduce((sum, s) => sum + s.ids.length, 0);
  }

  get snapshots(): number {
    return this.segments.length;
  }

  /** Each segment as `stream@base+count`, for a failure message. */
  describe(): string {
    return this.segments.map((s) => `${s.stream}@${s.base}+${s.ids.length}`).join(' ');
  }

  /** Every hole and every id applied twice, one line each (`[]` when none). */
  problems(): string[] {
    const problems: string[] = [];
    const seen = new Map<string, Set<number>>();
    for (const [index, segment] of this.segments.entries()) {
      segment.ids.forEach((id, k) => {
        if (id !== segment.base + 1 + k) {
          problems.push(
            `segment ${index} (${segment.stream} from ${segment.base}): id ${id} at place ${k + 1}`,
          );
        }
      });
      const ids = seen.get(segment.stream) ?? new Set<number>();
      for (const id of segment.ids) {
        if (ids.has(id)) problems.push(`${segment.stream}: id ${id} applied twice`);
        ids.add(id);
      }
      seen.set(segment.stream, ids);
    }
    return problems;
  }
}
