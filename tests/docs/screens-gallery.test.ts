/**
 * docs/screens.md shows every screen at 360 and 400 px, light and dark: each
 * picture it names is in docs/screenshots, and each screen has all four.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const gallery = readFileSync('docs/screens.md', 'utf8');
const pictures = [...gallery.matchAll(/src="(screenshots\/[^"]+)"/g)].map((match) => match[1]!);

describe('the screens gallery', () => {
  it('names only pictures that are there', () => {
    expect(pictures.length).toBeGreaterThan(40);
    expect(pictures.filter((picture) => !existsSync(`docs/${picture}`))).toEqual([]);
  });

  it('has each screen at both widths and in both schemes, the sign-in and every dialog among them', () => {
    const screens = [...gallery.matchAll(/^\| `([^`]+)`\s+\|/gm)].map((match) => match[1]!);
    expect(screens).toEqual(expect.arrayContaining(['screen-sign-in', 'dialog-cession']));
    for (const name of screens) {
      for (const suffix of ['360', '360-dark', '400', '400-dark']) {
        expect(pictures).toContain(`screenshots/${name}-${suffix}.png`);
      }
    }
  });
});
