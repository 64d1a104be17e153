/**
 * The screens in chunks of their own: a principal's sign-in parses neither the
 * « Attributions » matrix (with its spreadsheet import) nor the support desk,
 * which only an admin sees.
 */
import { lazyComponent } from './lazy-component.js';

export const LazyAttributionsView = lazyComponent(() =>
  import('./attributions-view.js').then((chunk) => chunk.AttributionsView),
);

export const LazyAdminHome = lazyComponent(() =>
  import('./admin-home.js').then((chunk) => chunk.AdminHome),
);
