/**
 * The people and data of the "nothing lost" run, written straight into the
 * database: a few spaces, each with its principal and secondaries holding
 * some of its SIRETs, free SIRETs with a dossier in progress for the driver
 * to add, and an admin. One session per open panel.
 */
import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../server/db/schema.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  validSiret,
} from '../../support/fixtures.js';
import { tokenFor } from '../../support/socket-clients.js';
import type { DriverWorld } from './command-driver.js';

export interface PanelSeat {
  /** `space 1 principal`, `space 2 secondary 3`, `admin 1`… */
  name: string;
  userId: number;
  token: string;
}

export interface ChaosWorld {
  driver: DriverWorld;
  seats: PanelSeat[];
}

export async function createChaosWorld(
  db: Kysely<Database>,
  options: { spaces: number; secondariesPerSpace: number; siretsPerSpace: number; admins: number },
): Promise<ChaosWorld> {
  const seats: PanelSeat[] = [];
  const driver: DriverWorld = { spaces: [], adminToken: '', freeSirets: [], dossierIds: [] };
  for (let s = 1; s <= options.spaces; s++) {
    const space = await createPrincipalWithSpace(db, { sirets: options.siretsPerSpace });
    driver.dossierIds.push(...space.dossiers.map((d) => d.id));
    const secondaryIds: number[] = [];
    for (let i = 1; i <= options.secondariesPerSpace; i++) {
      const sirets = space.sirets.filter(() => randomInt(2) === 0);
      const secondary = await createSecondary(db, space, { sirets });
      secondaryIds.push(secondary.user.id);
      seats.push({
        name: `space ${s} secondary ${i}`,
        userId: secondary.user.id,
        token: await tokenFor(db, secondary.user.id),
      });
    }
    // Two panels of the principal: the same person in two windows.
    for (const window of [1, 2]) {
      seats.push({
        name: `space ${s} principal (window ${window})`,
        userId: space.principal.id,
        token: await tokenFor(db, space.principal.id),
      });
    }
    driver.spaces.push({
      spaceId: space.spaceId,
      principalToken: await tokenFor(db, space.principal.id),
      sirets: [...space.sirets],
      secondaryIds,
      invitedIds: [],
    });
  }
  for (let i = 0; i < options.spaces * 4; i++) {
    const siret = validSiret();
    const dossier = await createDossier(db, { siret, status: 'consultation' });
    driver.freeSirets.push(siret);
    driver.dossierIds.push(dossier.id);
  }
  for (let a = 1; a <= options.admins; a++) {
    const admin = await createAdmin(db);
    seats.push({
      name: `admin ${a}`,
      userId: admin.user.id,
      token: await tokenFor(db, admin.user.id),
    });
    if (a === 1) driver.adminToken = await tokenFor(db, admin.user.id);
  }
  return { driver, seats };
}
