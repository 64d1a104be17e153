/** The demo's people and SIRETs: what `npm start` creates on first run and prints. */
import type { DossierKind, DossierStatus } from '../../shared/domain.js';

/** A demo account; `password: null` for the invitation left pending. */
export interface DemoLogin {
  email: string;
  password: string | null;
}

export const DEMO_ADMIN = { email: 'support@exemple.fr', password: 'support-3679-demo' };

export const DEMO_PRINCIPAL = { email: 'employeur@exemple.fr', password: 'employeur-demo' };
export const DEMO_OTHER_PRINCIPAL = {
  email: 'autre.employeur@exemple.fr',
  password: 'autre-employeur-demo',
};

export const DEMO_SECONDARIES = [
  {
    email: 'alice@exemple.fr',
    password: 'alice-demo-2026',
    sirets: ['73282932000074', '44123456700010'],
  },
  { email: 'bruno@exemple.fr', password: 'bruno-demo-2026', sirets: ['44123456700010'] },
  { email: 'chloe@exemple.fr', password: null, sirets: [] },
] as const;

export interface DemoDossier {
  reference: string;
  siret: string;
  kind: DossierKind;
  status: DossierStatus;
  unlockCode: string;
  /** Days before today. */
  openedDaysAgo: number;
}

/** Dossiers in every status; the first of each SIRET is in progress so it can be added. */
export const DEMO_DOSSIERS: DemoDossier[] = [
  {
    reference: 'AT-2026-000101',
    siret: '73282932000074',
    kind: 'AT',
    status: 'completer_dossier',
    unlockCode: 'DEMO-7328-AT',
    openedDaysAgo: 3,
  },
  {
    reference: 'MP-2026-000102',
    siret: '73282932000074',
    kind: 'MP',
    status: 'consultation',
    unlockCode: 'DEMO-7328-MP',
    openedDaysAgo: 40,
  },
  {
    reference: 'AT-2026-000201',
    siret: '44123456700010',
    kind: 'AT',
    status: 'consultation',
    unlockCode: 'DEMO-4412-AT',
    openedDaysAgo: 25,
  },
  {
    reference: 'AT-2026-000202',
    siret: '44123456700010',
    kind: 'AT',
    status: 'cloture',
    unlockCode: 'DEMO-4412-CL',
    openedDaysAgo: 90,
  },
  {
    reference: 'MP-2026-000301',
    siret: '44123456700028',
    kind: 'MP',
    status: 'completer_dossier',
    unlockCode: 'DEMO-4412-MP',
    openedDaysAgo: 12,
  },
  {
    reference: 'AT-2026-000401',
    siret: '35600000000048',
    kind: 'AT',
    status: 'completer_dossier',
    unlockCode: 'DEMO-3560-AT',
    openedDaysAgo: 1,
  },
  // Not managed by any space yet: sign up with it (code DEMO-5521-AT) to try the signup.
  {
    reference: 'AT-2026-000501',
    siret: '55219876500018',
    kind: 'AT',
    status: 'completer_dossier',
    unlockCode: 'DEMO-5521-AT',
    openedDaysAgo: 2,
  },
];

/** Which SIRETs each principal holds: the first signs them up, the others are added. */
export const DEMO_PRINCIPAL_SIRETS = ['73282932000074', '44123456700010', '44123456700028'];
export const DEMO_OTHER_PRINCIPAL_SIRETS = ['35600000000048'];
