/**
 * A local stand-in of the questionnaire site's dashboard, on the server's own
 * origin, so the extension's content script (which runs on `http://localhost`)
 * can be tried and tested without the real portal.
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../context.js';

export const PORTAL_STAND_IN_PATH = '/demo/portail';

export function portalStandIn(app: Hono<AppEnv>): void {
  app.get(PORTAL_STAND_IN_PATH, (c) =>
    c.html(PAGE, 200, {
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    }),
  );
}

const PAGE = `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Questionnaires Risques Professionnels — Tableau de bord (page de démonstration)</title>
<style>
  :root { color-scheme: light dark; --bg: #f2f4f8; --card: #fff; --text: #1a1a2e; --muted: #4a4f63; --brand: #0c419a; }
  @media (prefers-color-scheme: dark) { :root { --bg: #12141a; --card: #1d2029; --text: #eef0f6; --muted: #c2c6d3; --brand: #9cc0ff; } }
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: var(--bg); color: var(--text); }
  header { background: var(--card); border-bottom: 4px solid var(--brand); padding: 1rem 2rem; }
  header h1 { margin: 0; font-size: 1.3rem; color: var(--brand); }
  nav ul { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; list-style: none; margin: 0.5rem 0 0; padding: 0; }
  nav a { color: var(--text); font-weight: 600; }
  main { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
  .notice { background: var(--card); border-left: 4px solid var(--brand); padding: 0.75rem 1rem; color: var(--muted); }
  table { width: 100%; border-collapse: collapse; background: var(--card); margin-top: 1rem; }
  th, td { text-align: left; padding: 0.6rem; border-bottom: 1px solid color-mix(in srgb, var(--muted) 30%, transparent); }
</style>
</head>
<body>
<header>
  <h1>Questionnaires Risques Professionnels</h1>
  <nav aria-label="Navigation principale"><ul>
    <li><a href="#tableau-de-bord" aria-current="page">Tableau de bord</a></li>
    <li><a href="#parametrage">Paramétrage</a></li>
  </ul></nav>
</header>
<main id="tableau-de-bord">
  <p class="notice">Page de démonstration locale : elle tient lieu du site questionnaires-risquepro.ameli.fr pour essayer l'extension « Paramétrage ».</p>
  <h2>Tableau de bord des dossiers de risques professionnels</h2>
  <table>
    <caption class="notice">Exemple statique : les données réelles sont dans le panneau « Paramétrage ».</caption>
    <thead><tr><th scope="col">Référence</th><th scope="col">SIRET</th><th scope="col">Statut</th></tr></thead>
    <tbody>
      <tr><td>AT-2026-000101</td><td>732 829 320 00074</td><td>Compléter dossier</td></tr>
      <tr><td>MP-2026-000102</td><td>732 829 320 00074</td><td>Consultation</td></tr>
    </tbody>
  </table>
</main>
</body>
</html>`;
