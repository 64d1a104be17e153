/**
 * The chaos driver keeps choosing commands when its beliefs run dry: a space
 * with no SIRET while every free SIRET is already on its way somewhere must
 * not send it looping between « add » and « delete ».
 */
import { describe, expect, it } from 'vitest';
import { CommandDriver, type DriverWorld } from './support/command-driver.js';

function dryWorld(): DriverWorld {
  return {
    spaces: [{ spaceId: 1, principalToken: 't', sirets: [], secondaryIds: [2], invitedIds: [] }],
    adminToken: 'a',
    freeSirets: [],
    dossierIds: [3],
  };
}

describe('the chaos command driver', () => {
  it('picks another command when there is no SIRET to add nor to delete', async () => {
    let asked = 0;
    // No node to send to: each command is chosen, then dropped.
    const driver = new CommandDriver(dryWorld(), () => {
      asked += 1;
      throw new Error('no live node');
    });
    await expect(driver.burst(500)).resolves.toBeUndefined();
    expect(asked).toBe(500);
  });
});
