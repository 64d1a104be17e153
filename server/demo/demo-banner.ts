import { PORTAL_STAND_IN_PATH } from '../http/pages/portal-stand-in.js';
import { DEMO_ADMIN, DEMO_OTHER_PRINCIPAL, DEMO_PRINCIPAL, DEMO_SECONDARIES } from './demo-data.js';

/** What a newcomer needs after `npm start`, printed once the server listens. */
export function printDemoBanner(info: {
  url: string;
  created: boolean;
  extensionDir: string;
  mail: string;
  database: string;
}): void {
  const local = info.url.replace('127.0.0.1', 'localhost');
  const secondaries = DEMO_SECONDARIES.map((s) =>
    s.password
      ? `    ${s.email.padEnd(28)} ${s.password}   (utilisateur secondaire)`
      : `    ${s.email.padEnd(28)} (invitation en attente : voir les e-mails)`,
  );
  console.log(
    [
      '',
      `QRP Paramétrage is running at ${info.url}  (${info.created ? 'demo data created' : 'demo data reused'}; database: ${info.database})`,
      '',
      '1. Load the extension in Chromium or Chrome:',
      '     chrome://extensions → turn on "Developer mode" → "Load unpacked" → choose',
      `     ${info.extensionDir}`,
      '2. Open the stand-in page of the questionnaire site (the "Paramétrage" launcher appears on it):',
      `     ${local}${PORTAL_STAND_IN_PATH}`,
      "   or click the extension's toolbar button to open the side panel.",
      `3. Sign in from the panel (server address: ${local}) with one of these demo logins:`,
      `    ${DEMO_PRINCIPAL.email.padEnd(28)} ${DEMO_PRINCIPAL.password}   (utilisateur principal)`,
      `    ${DEMO_OTHER_PRINCIPAL.email.padEnd(28)} ${DEMO_OTHER_PRINCIPAL.password}   (autre utilisateur principal, pour la cession)`,
      ...secondaries,
      `    ${DEMO_ADMIN.email.padEnd(28)} ${DEMO_ADMIN.password}   (support 3679)`,
      '',
      `E-mails (invitation links) land in: ${info.mail}`,
      `API description: ${info.url}/api/v1/openapi.json    Stop with Ctrl+C.`,
      '',
    ].join('\n'),
  );
}
