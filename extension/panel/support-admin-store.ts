/**
 * The support desk's « Aperçu » (figures and 30 days, `GET /admin/overview`)
 * and « Agents » (`GET /admin/agents` and the agents' creation and
 * deactivation). Neither is in the admin snapshot: both are read over HTTP
 * and read again when the admin stream says they changed (`invitation.*`,
 * `lock.*` for the figures, `agent.*` for the agents), at most once per
 * `LIVE_REFRESH_MS` however many events come at once, and only while a
 * screen shows them (else at the next showing).
 */
import { batch, signal, type ReadonlySignal } from '@preact/signals';
import { ERRORS } from '../../shared/errors.js';
import type { LiveChange } from '../../shared/live-sync.js';
import type { AgentView, SupportOverviewView } from '../../shared/views.js';
import { ApiError, type ApiClient } from './api-client.js';
import type { ActionResult, Feedback } from './feedback.js';

/** A burst of events (a batch of expirations at midnight) refetches once in this time. */
export const LIVE_REFRESH_MS = 1_000;

export interface SupportAdminDeps {
  api: ApiClient;
  run: Feedback['run'];
  toast: Feedback['toast'];
  /** The server no longer knows the token: the session ends with this message. */
  endSession(message: string): void;
}

export interface LiveReadState<T> {
  /** The last answer; null until the first one arrives. */
  data: ReadonlySignal<T | null>;
  /** When the last answer arrived (ISO instant). */
  updatedAt: ReadonlySignal<string | null>;
  loading: ReadonlySignal<boolean>;
  /** Why the last read failed, in French; null when it did not. */
  error: ReadonlySignal<string | null>;
}

/**
 * One read the server's events make stale: `watch` while a screen shows it
 * (it reads at once if it never did or missed a change), `changed` when an
 * event says it moved. The newest request's answer wins.
 */
function createLiveRead<T>(
  fetch: () => Promise<T>,
  failure: string,
  onUnauthenticated: (message: string) => void,
) {
  const data = signal<T | null>(null);
  const updatedAt = signal<string | null>(null);
  const loading = signal(false);
  const error = signal<string | null>(null);
  let asked = 0;
  let watchers = 0;
  let stale = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function load(): Promise<void> {
    const mine = ++asked;
    stale = false;
    batch(() => {
      loading.value = true;
      error.value = null;
    });
    try {
      const answer = await fetch();
      if (mine !== asked) return;
      batch(() => {
        data.value = answer;
        updatedAt.value = new Date().toISOString();
      });
    } catch (cause) {
      if (mine !== asked) return;
      const refusal =
        cause instanceof ApiError ? cause : new ApiError('INTERNAL', ERRORS.INTERNAL.message, 0);
      if (refusal.code === 'UNAUTHENTICATED') onUnauthenticated(refusal.message);
      // What was shown stays: it is only as old as its time says.
      else error.value = `${failure} ${refusal.message}`;
    } finally {
      if (mine === asked) loading.value = false;
    }
  }

  function changed(): void {
    if (watchers === 0) {
      stale = true;
      return;
    }
    // The first event of a burst starts the wait; the others ride along.
    timer ??= setTimeout(() => {
      timer = null;
      void load();
    }, LIVE_REFRESH_MS);
  }

  /** Call while shown; returns the function to call once hidden. */
  function watch(): () => void {
    watchers++;
    if (data.peek() === null || stale) void load();
    return () => {
      watchers--;
      if (watchers === 0 && timer !== null) {
        clearTimeout(timer);
        timer = null;
        stale = true;
      }
    };
  }

  function reset(): void {
    asked++;
    stale = false;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    batch(() => {
      data.value = null;
      updatedAt.value = null;
      loading.value = false;
      error.value = null;
    });
  }

  const state: LiveReadState<T> = { data, updatedAt, loading, error };
  return { state, load, changed, watch, reset };
}

export function createSupportAdmin({ api, run, toast, endSession }: SupportAdminDeps) {
  const overview = createLiveRead<SupportOverviewView>(
    () => api.supportOverview(),
    'Les chiffres n’ont pas pu être chargés.',
    endSession,
  );
  const agents = createLiveRead<AgentView[]>(
    () => api.agents(),
    'La liste des agents n’a pas pu être chargée.',
    endSession,
  );

  function onLiveChange(change: LiveChange): void {
    if (change.state?.kind !== 'admin') return;
    const { cause } = change;
    if (cause.kind === 'snapshot') {
      // Back after a break: whatever happened meanwhile may have moved both.
      overview.changed();
      agents.changed();
      return;
    }
    if (cause.kind !== 'event') return;
    const type = cause.event.type;
    if (type.startsWith('invitation.') || type.startsWith('lock.')) overview.changed();
    else if (type.startsWith('agent.')) agents.changed();
  }

  /** Refusals are said by the form, at its fields; the list is read again on success. */
  async function createAgent(email: string, reason: string): Promise<ActionResult> {
    let mailSent = true;
    const result = await run(
      'createAgent',
      async () => ({ mailSent } = await api.createAgent({ email, reason })),
      { quiet: 'all' },
    );
    if (!result.ok) return result;
    toast(
      mailSent ? 'success' : 'info',
      mailSent
        ? `Agent ajouté : ${email} a reçu un lien pour choisir son mot de passe.`
        : `Agent ajouté, mais l’e-mail n’a pas pu être envoyé à ${email} : désactivez ce compte puis ajoutez-le à nouveau.`,
    );
    void agents.load();
    return result;
  }

  /** Refusals (oneself, the last agent) are said in the dialog, not toasted. */
  async function deactivateAgent(
    agentId: number,
    email: string,
    reason: string,
  ): Promise<ActionResult> {
    const result = await run(
      `deactivateAgent:${agentId}`,
      () => api.deactivateAgent(agentId, reason),
      { success: `Le compte support de ${email} est désactivé.`, quiet: 'all' },
    );
    if (result.ok) void agents.load();
    return result;
  }

  return {
    overview: { ...overview.state, watch: overview.watch, reload: overview.load },
    agents: {
      ...agents.state,
      watch: agents.watch,
      reload: agents.load,
      create: createAgent,
      deactivate: deactivateAgent,
    },
    onLiveChange,
    reset: () => {
      overview.reset();
      agents.reset();
    },
  };
}

export type SupportAdmin = ReturnType<typeof createSupportAdmin>;
