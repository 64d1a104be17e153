import { escapeHtml } from '../../mail/invitation-mail.js';

/** A small standalone French page, styled inline, light and dark. */
export function pageLayout(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} — Questionnaires Risques Professionnels</title>
<style>
  :root { color-scheme: light dark; --bg: #f5f6fa; --card: #fff; --text: #161616; --muted: #4a4a5a; --accent: #0b4fb3; --accent-text: #fff; --error: #b3261e; --ok: #1b6e3a; }
  @media (prefers-color-scheme: dark) { :root { --bg: #14161c; --card: #1e2129; --text: #f1f1f4; --muted: #c3c5cf; --accent: #8ab4ff; --accent-text: #0b1020; --error: #ffb4ab; --ok: #8fd6a6; } }
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: var(--bg); color: var(--text); overflow-wrap: anywhere; }
  main { box-sizing: border-box; max-width: 28rem; margin: 3rem auto; padding: 2rem; background: var(--card); border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.15); }
  @media (max-width: 32rem) { main { margin: 0; padding: 1.25rem; border-radius: 0; box-shadow: none; } }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input { box-sizing: border-box; width: 100%; padding: 0.6rem; margin-top: 0.3rem; font: inherit; border: 1px solid var(--muted); border-radius: 6px; background: var(--card); color: var(--text); }
  input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  button { margin-top: 1.5rem; width: 100%; padding: 0.7rem; font: inherit; font-weight: 700; text-transform: uppercase; border: 0; border-radius: 6px; background: var(--accent); color: var(--accent-text); cursor: pointer; }
  .hint { color: var(--muted); font-size: 0.9rem; }
  .error { color: var(--error); font-weight: 600; }
  .ok { color: var(--ok); font-weight: 600; }
  a { color: var(--accent); }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}
