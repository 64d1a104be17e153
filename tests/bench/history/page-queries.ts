/**
 * The statements a history page runs (server/db/queries/history.ts), as
 * plain SQL for the bare baseline, and what PostgreSQL's plan does with them.
 */
import type pg from 'pg';

const COLUMNS = `e.id, e.stream, e.seq, e.type, e.at, e.data, e.audience,
  e.actor_role, e.actor_id, e.actor_email, e.reason`;

export interface PageQuery {
  text: string;
  values: unknown[];
}

/** `readStreamHistory`: a principal's stream from `fromSeq`, below `beforeSeq`, newest first. */
export function streamPage(
  stream: string,
  fromSeq: number,
  beforeSeq: number | null,
  limit: number,
): PageQuery {
  return beforeSeq === null
    ? {
        text: `select ${COLUMNS} from events as e
          where e.stream = $1 and e.seq >= $2 and e.type <> 'invitation.accepted'
          order by e.seq desc limit $3`,
        values: [stream, fromSeq, limit + 1],
      }
    : {
        text: `select ${COLUMNS} from events as e
          where e.stream = $1 and e.seq >= $2 and e.type <> 'invitation.accepted' and e.seq < $3
          order by e.seq desc limit $4`,
        values: [stream, fromSeq, beforeSeq, limit + 1],
      };
}

/**
 * `searchHistory` with one key (a SIRET search), below `beforeId`, newest
 * first: the cursor on the key's side, so the key's index starts at it.
 */
export function keyPage(key: string, beforeId: number | null, limit: number): PageQuery {
  return beforeId === null
    ? {
        text: `select ${COLUMNS} from event_keys as k inner join events as e on e.id = k.event_id
          where k.key = $1 and e.type <> 'invitation.accepted'
            and not (e.stream = $2 and e.type like $3)
            and not (e.stream <> $2 and e.type like 'lock.%')
          order by e.id desc limit $4`,
        values: [key, 'admin', 'invitation.%', limit + 1],
      }
    : {
        text: `select ${COLUMNS} from event_keys as k inner join events as e on e.id = k.event_id
          where k.key = $1 and k.event_id < $2 and e.type <> 'invitation.accepted'
            and not (e.stream = $3 and e.type like $4)
            and not (e.stream <> $3 and e.type like 'lock.%')
          order by e.id desc limit $5`,
        values: [key, beforeId, 'admin', 'invitation.%', limit + 1],
      };
}

export interface PlanSummary {
  /** Node by node, outermost first: "Limit > Index Scan Backward using events_pk on events". */
  nodes: string[];
  executionMs: number;
  /** Shared buffers hit and read by the whole statement. */
  buffers: { hit: number; read: number };
  /**
   * Where the statement does not stop at the page's end: a sequential scan, a
   * sort, a bitmap scan, or an index walked (or looked up) far beyond the page's rows.
   */
  warnings: string[];
}

interface PlanNode {
  'Node Type': string;
  'Scan Direction'?: string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Sort Method'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export async function explainPage(client: pg.Client, query: PageQuery): Promise<PlanSummary> {
  const { rows } = await client.query<{
    'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }];
  }>(`explain (analyze, buffers, format json) ${query.text}`, query.values);
  const [top] = rows[0]!['QUERY PLAN'];
  // A page asks for `limit + 1` rows, the statement's last parameter.
  const pageRows = Number(query.values.at(-1));
  const beyond = 4 * pageRows;
  const nodes: string[] = [];
  const warnings: string[] = [];
  const walk = (node: PlanNode, depth: number) => {
    const direction = node['Scan Direction'] === 'Backward' ? ' Backward' : '';
    const index = node['Index Name'] ? ` using ${node['Index Name']}` : '';
    const relation = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
    const loops = node['Actual Loops'];
    const rowsOut = Math.round(node['Actual Rows'] * loops);
    const count = loops > 1 ? `${node['Actual Rows']} rows × ${loops} loops` : `${rowsOut} rows`;
    nodes.push(
      `${'  '.repeat(depth)}${node['Node Type']}${direction}${index}${relation} (${count})`,
    );
    if (node['Node Type'] === 'Seq Scan')
      warnings.push(`Seq Scan on ${node['Relation Name']} (${rowsOut} rows)`);
    if (node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort')
      warnings.push(`${node['Node Type']} (${node['Sort Method'] ?? ''}) of ${rowsOut} rows`);
    if (node['Node Type'] === 'Bitmap Heap Scan')
      warnings.push(`Bitmap Heap Scan on ${node['Relation Name']} (${rowsOut} rows)`);
    else if (node['Node Type'].includes('Index') && Math.max(rowsOut, loops) > beyond)
      warnings.push(
        `${node['Node Type']}${direction}${index}${relation} reads ${Math.max(rowsOut, loops)} entries for a page of ${pageRows} rows`,
      );
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(top.Plan, 0);
  return {
    nodes,
    executionMs: top['Execution Time'],
    buffers: { hit: top.Plan['Shared Hit Blocks'] ?? 0, read: top.Plan['Shared Read Blocks'] ?? 0 },
    warnings,
  };
}
