import type { AccountStanding } from '../db/queries/account-standings.js';
import { PORTAL_STAND_IN_PATH } from '../http/pages/portal-stand-in.js';
import {
  DEMO_ADMIN,
  DEMO_OTHER_PRINCIPAL,
  DEMO_PRINCIPAL,
  DEMO_SECONDARIES,
  type DemoLogin,
} from './demo-data.js';

/** Every demo login, in the banner's order. */
export const DEMO_LOGINS: readonly DemoLogin[] = [
  DEMO_PRINCIPAL,
  DEMO_OTHER_PRINCIPAL,
  ...DEMO_SECONDARIES,
  DEMO_ADMIN,
];

/** What a newcomer needs after `npm start`, printed once the server listens. */
export function printDemoBanner(info: {
  url: string;
  created: boolean;
  extensionDir: string;
  mail: string;
  database: string;
  standings: AccountStanding[];
}): void {
  console.log(
    [
      '',
      `QRP Paramétrage is running at ${info.url}  (${info.created ? 'demo data created' : 'demo data reused'}; database: ${info.database})`,
      '',
      '1. Load the extension in Chromium or Chrome:',
      '     chrome://extensions → turn on "Developer mode" → "Load unpacked" → choose',
      `     ${info.extensionDir}`,
      '2. Open the stand-in page of the questionnaire site (the "Paramétrage" launcher appears on it):',
      `     ${info.url}${PORTAL_STAND_IN_PATH}`,
      "   or click the extension's toolbar button to open the side panel.",
      `3. Sign in from the panel (server address: ${info.url}) with one of these demo logins, as they stand now:`,
      ...demoLoginLines(info.standings),
      '',
      `E-mails (invitation links) land in: ${info.mail}`,
      `API description: ${info.url}/api/v1/openapi.json    Stop with Ctrl+C.`,
      '',
    ].join('\n'),
  );
}

/**
 * One line per demo login with its role as the data says now: a cession or a
 * removal made during an earlier run shows here, not the roles as seeded.
 */
export function demoLoginLines(standings: AccountStanding[]): string[] {
  return DEMO_LOGINS.map((login) => {
    const standing = standings.find((s) => s.email === login.email);
    const password =
      standing?.status === 'pending' || !standing
        ? ''
        : (login.password ?? '(mot de passe choisi)');
    return `    ${login.email.padEnd(28)} ${password.padEnd(22)} ${describeStanding(standing)}`.trimEnd();
  });
}

function describeStanding(standing: AccountStanding | undefined): string {
  if (!standing) return '(compte supprimé)';
  if (standing.status === 'pending') return '(invitation en attente : voir les e-mails)';
  switch (standing.role) {
    case 'admin':
      return '(support 3679)';
    case 'principal':
      return `(utilisateur principal, ${plural(standing.siretCount, 'SIRET')})`;
    case 'secondary':
      return `(utilisateur secondaire de ${standing.principalEmail ?? 'un espace sans principal'}, ${plural(standing.siretCount, 'SIRET attribué', 'SIRETs attribués')})`;
  }
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count > 1 ? many : one}`;
}
