/**
 * Random valid commands on a few spaces, sent in bursts over HTTP as the
 * panels of their principals and a support agent would: attribute SIRETs,
 * invite and remove secondaries, add and delete SIRETs, move dossiers
 * through their stages. The driver keeps a belief of each space that the
 * answers update; a belief made stale by a concurrent command only turns
 * into a clean refusal, which is counted too.
 */
import { randomInt } from 'node:crypto';
import { uniqueEmail, UNLOCK_CODE } from '../../support/fixtures.js';
import { callApi, OutcomeTally, type ApiOutcome } from './api-outcomes.js';

export interface DriverSpace {
  spaceId: number;
  principalToken: string;
  /** SIRETs believed to be in the space. */
  sirets: string[];
  /** Secondaries with a panel open: attributed and unattributed, never removed. */
  secondaryIds: number[];
  /** Secondaries the driver invited, which it may remove. */
  invitedIds: number[];
}

export interface DriverWorld {
  spaces: DriverSpace[];
  adminToken: string;
  /** SIRETs believed unmanaged, each with a dossier that may be in progress. */
  freeSirets: string[];
  dossierIds: number[];
}

type Command = (url: string) => Promise<ApiOutcome>;

const DOSSIER_STATUSES = ['consultation', 'consultation', 'completer_dossier', 'cloture'] as const;

function pickOne<T>(items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[randomInt(items.length)];
}

function pickSome<T>(items: readonly T[]): T[] {
  return items.filter(() => randomInt(2) === 0);
}

function take<T>(items: T[], item: T): void {
  const at = items.indexOf(item);
  if (at >= 0) items.splice(at, 1);
}

export class CommandDriver {
  readonly tally = new OutcomeTally();
  private stopped = false;
  private running: Promise<void> | null = null;
  /** Why the bursts stopped before `stop()`, if they did: a fault then waits on commits that never come. */
  failure: unknown = null;

  constructor(
    private readonly world: DriverWorld,
    /** Where the next command goes (a live node). */
    private readonly target: () => string,
  ) {}

  /** Committed changes (2xx answers). */
  get committed(): number {
    return this.tally.ok;
  }

  /** Starts bursts of `size` commands at once, `pauseMs` apart, until `stop()`. */
  start(size: number, pauseMs: number): void {
    this.stopped = false;
    this.running = (async () => {
      while (!this.stopped) {
        await this.burst(size);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    })().catch((error: unknown) => {
      this.failure = error;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    if (this.failure !== null) throw this.failure;
  }

  /** Sends `size` random commands at once and waits for every answer. */
  async burst(size: number): Promise<void> {
    await Promise.all(Array.from({ length: size }, () => this.send(this.randomCommand())));
  }

  /** One change in every space and in the admin stream (an invitation): no stream ends on a lost publish. */
  async touchEveryStream(): Promise<void> {
    await Promise.all(this.world.spaces.map((space) => this.send(this.invite(space))));
  }

  private async send([what, command]: [string, Command]): Promise<void> {
    let url: string;
    try {
      url = this.target();
    } catch {
      return;
    }
    this.tally.add(what, await command(url));
  }

  private randomCommand(): [string, Command] {
    const space = pickOne(this.world.spaces)!;
    const roll = randomInt(100);
    if (roll < 30) return this.attribute(space);
    if (roll < 42) return this.invite(space);
    if (roll < 52) return this.removeInvited(space);
    if (roll < 67) return this.addSiret(space);
    if (roll < 82) return this.deleteSiret(space);
    return this.changeDossierStatus();
  }

  private attribute(space: DriverSpace): [string, Command] {
    const userId = pickOne(space.secondaryIds)!;
    const sirets = pickSome(space.sirets);
    return [
      'PUT /secondaries/:id/sirets',
      (url) =>
        callApi(url, space.principalToken, 'PUT', `/secondaries/${userId}/sirets`, { sirets }),
    ];
  }

  private invite(space: DriverSpace): [string, Command] {
    return [
      'POST /secondaries',
      async (url) => {
        const outcome = await callApi(url, space.principalToken, 'POST', '/secondaries', {
          email: uniqueEmail('chaos'),
        });
        if (outcome.kind === 'ok') space.invitedIds.push((outcome.body as { id: number }).id);
        return outcome;
      },
    ];
  }

  private removeInvited(space: DriverSpace): [string, Command] {
    const userId = pickOne(space.invitedIds);
    if (userId === undefined) return this.invite(space);
    take(space.invitedIds, userId);
    return [
      'DELETE /secondaries/:id',
      (url) => callApi(url, space.principalToken, 'DELETE', `/secondaries/${userId}`),
    ];
  }

  private addSiret(space: DriverSpace): [string, Command] {
    const siret = pickOne(this.world.freeSirets);
    if (siret === undefined) {
      // Every free SIRET is already on its way into a space: delete one, or invite when this space has none either.
      return space.sirets.length > 0 ? this.deleteSiret(space) : this.invite(space);
    }
    take(this.world.freeSirets, siret);
    return [
      'POST /sirets',
      async (url) => {
        const outcome = await callApi(url, space.principalToken, 'POST', '/sirets', {
          siret,
          unlockCode: UNLOCK_CODE,
          assignToAllSecondaries: randomInt(3) === 0,
        });
        if (outcome.kind === 'ok') space.sirets.push(siret);
        else this.world.freeSirets.push(siret);
        return outcome;
      },
    ];
  }

  private deleteSiret(space: DriverSpace): [string, Command] {
    const siret = pickOne(space.sirets);
    if (siret === undefined) {
      return this.world.freeSirets.length > 0 ? this.addSiret(space) : this.invite(space);
    }
    return [
      'DELETE /sirets/:siret',
      async (url) => {
        const outcome = await callApi(url, space.principalToken, 'DELETE', `/sirets/${siret}`);
        if (outcome.kind === 'ok' && space.sirets.includes(siret)) {
          take(space.sirets, siret);
          this.world.freeSirets.push(siret);
        }
        return outcome;
      },
    ];
  }

  private changeDossierStatus(): [string, Command] {
    const dossierId = pickOne(this.world.dossierIds)!;
    const status = pickOne(DOSSIER_STATUSES)!;
    return [
      'PATCH /admin/dossiers/:id',
      (url) =>
        callApi(url, this.world.adminToken, 'PATCH', `/admin/dossiers/${dossierId}`, { status }),
    ];
  }
}
