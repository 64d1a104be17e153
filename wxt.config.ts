import { defineConfig } from 'wxt';

/**
 * Public key of the Chrome build (base64 SPKI DER, RSA-2048). It fixes the
 * extension id on every machine: see extension/extension-id.ts, which the
 * server uses to allow the extension's origin by default.
 */
export const EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqfJHzN0qszgEWdH6oO34UM7lsP+9TE1M+S3OZ5Dt7eomYzzvOfjO0ozBV+R1e5nMtzhyvnMgC+frktjdQrW8SHf4bBNmqNdxhEl/eWEYvxhy60j+IL9cKcO62fHcD6yMu9Yk3CgbLKVhUCh9dNeZ9fFS9JV8hXNy3yvHffhXdWOiZ34j1Em2fDgEdz6eh0zyKlKWXAZkxjxb57sNjurdGVERctrILnnozEHEl17T923nT7JxblMaZHgqlTHrOOBqV14JthEBB3H+lsgZp/Fb5i+FnHAOwu5qTxIizyhoNjlUqJVBXedo6+ZVBONcE4OFGCFMMYnf6MkmvTa7rkcYBQIDAQAB';

/** The local server, reachable without asking (the background counts pending invitations). */
const LOOPBACK_HOSTS = ['http://localhost/*', 'http://127.0.0.1/*'];

/** Any other server address is asked for when the user saves it in the settings. */
const OTHER_SERVERS = ['http://*/*', 'https://*/*'];

export default defineConfig({
  srcDir: 'extension',
  // Icons and _locales live beside the sources (WXT's default is <root>/public).
  publicDir: 'extension/public',
  outDir: '.output',
  imports: false,
  // The Firefox store's sources archive: what rebuilds the extension, never local data.
  // WXT already leaves out node_modules, dot-files, *.test.* and .output; the
  // screenshots and benchmark results are megabytes that rebuild nothing.
  zip: {
    excludeSources: [
      'data/**',
      'server/**',
      'tests/**',
      'test-results/**',
      '.ci/**',
      'docs/screenshots/**',
      'benchmarks/**',
    ],
  },
  manifest: ({ browser }) => ({
    // The stores' words, French first: extension/public/_locales/{fr,en}/messages.json.
    default_locale: 'fr',
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    // Notifications and the badge tell of live changes while the panel is closed;
    // an alarm wakes a stopped worker so that it reconnects and catches up.
    permissions: ['storage', 'notifications', 'alarms'],
    host_permissions: LOOPBACK_HOSTS,
    action: { default_title: '__MSG_actionTitle__' },
    ...(browser === 'firefox'
      ? {
          // Firefox (Manifest V2): optional origins are optional permissions.
          optional_permissions: OTHER_SERVERS,
          browser_specific_settings: {
            gecko: {
              id: 'parametrage@qrp.local',
              // 140 (an ESR) is the first Firefox that reads data_collection_permissions;
              // Firefox for Android reads it from 142 (web-ext lint warns below these).
              strict_min_version: '140.0',
              // The sign-in e-mail and password go to the employer's own QRP server.
              data_collection_permissions: {
                required: ['authenticationInfo', 'personallyIdentifyingInfo'],
              },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : { key: EXTENSION_KEY, optional_host_permissions: OTHER_SERVERS }),
  }),
});
