import { defineConfig } from 'wxt';

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  imports: false,
  manifest: ({ browser }) => ({
    name: 'QRP Paramétrage',
    description:
      'Panneau « Paramétrage » en direct pour Questionnaires Risques Professionnels : SIRETs, utilisateurs secondaires, dossiers.',
    permissions: ['storage'],
    action: { default_title: 'Ouvrir le Paramétrage QRP' },
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'parametrage@qrp.local', strict_min_version: '128.0' } } }
      : {}),
  }),
});
