/**
 * The origins of this project's own extension, allowed by default. The Chrome
 * build has a fixed manifest key, so its id (and origin) is the same everywhere.
 */
import { EXTENSION_ID } from '../extension/extension-id.js';

export const EXTENSION_ORIGINS: readonly string[] = [`chrome-extension://${EXTENSION_ID}`];
