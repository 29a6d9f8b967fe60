import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '../../src/config/settings.ts';
import { isDsrflowError } from '../../src/errors.ts';
import { maskingOverride, readOverride } from '../../src/saas/overrides/definitions.ts';
import { loadOverrides } from '../../src/saas/overrides/load-overrides.ts';
import { OverrideRegistry } from '../../src/saas/overrides/registry.ts';
import { tempDir } from '../support/harness.ts';

/** The registry of request overrides and custom authentication strategies, and the folder it is loaded from. */

const FIXTURES = new URL('../../fixtures/overrides/', import.meta.url).pathname;

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
}

describe('request overrides', () => {
  it('loads the ported overrides from their folder', async () => {
    const registry = new OverrideRegistry();
    expect(await loadOverrides(FIXTURES, registry)).to.deep.equal(['alchemer_user_delete', 'mailchimp_messages_access', 'mailchimp_member_update', 'read_no_op', 'delete_no_op']);
    expect(registry.refusal('mailchimp_member_update', 'update')).to.equal(undefined);
    expect(registry.refusal('mailchimp_member_update', 'delete')).to.equal("request_override 'mailchimp_member_update' is registered for update requests, not delete");
    expect(registry.refusal('nope', 'read')).to.equal("request_override 'nope' is not registered");
    // Loading the same modules again registers nothing new.
    await loadOverrides(FIXTURES, registry);
  });

  it('refuses two definitions of one name', () => {
    const registry = new OverrideRegistry();
    registry.register(readOverride('users', async () => []), 'a.ts');
    expect(() => registry.register(readOverride('users', async () => []), 'b.ts')).to.throw("request_override 'users' is defined in both a.ts and b.ts");
  });

  it('refuses what is not a definition, naming why', () => {
    const registry = new OverrideRegistry();
    const bad: Array<[unknown, string]> = [
      [{ name: 'x', run: async () => [] }, 'is not a definition made with readOverride, maskingOverride, testOverride or authStrategy'],
      [{ kind: 'read', name: 'a b', run: async () => [] }, 'needs a name of letters, digits, _, . or -'],
      [{ kind: 'read', name: 'x' }, "'x' has no function"],
      [maskingOverride('x', ['read' as 'update'], async () => 0), "'x' must name its types among update, delete, data_protection_request"],
    ];
    for (const [definition, message] of bad) expect(() => registry.register(definition, 'x.ts')).to.throw(message);
  });

  it('refuses a folder it cannot read, or a module that exports no list, as CONFIG_INVALID', async () => {
    const dir = tempDir();
    try {
      const missing = await refusal(loadOverrides(join(dir.path, 'nope'), new OverrideRegistry()));
      expect(isDsrflowError(missing, 'CONFIG_INVALID')).to.equal(true);
      expect(missing.message).to.equal(`overrides_dir: ${join(dir.path, 'nope')} cannot be read: ENOENT`);
      mkdirSync(join(dir.path, 'bad'));
      writeFileSync(join(dir.path, 'bad', 'one.mjs'), 'export default { name: "x" };\n');
      expect((await refusal(loadOverrides(join(dir.path, 'bad'), new OverrideRegistry()))).message).to.equal('overrides_dir: one.mjs must default-export a list of definitions');
      mkdirSync(join(dir.path, 'worse'));
      writeFileSync(join(dir.path, 'worse', 'two.mjs'), 'export default [{ kind: "read", name: "x" }];\n');
      expect((await refusal(loadOverrides(join(dir.path, 'worse'), new OverrideRegistry()))).message).to.equal("overrides_dir: two.mjs[0]: 'x' has no function");
    } finally {
      dir.remove();
    }
  });

  it('is named by the overrides_dir setting (relative to the config file) or DSRFLOW_OVERRIDES_DIR', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'dsrflow.yaml'), 'overrides_dir: ./overrides\n');
      expect(loadSettings({}, 'dsrflow.yaml', dir.path).overridesDir).to.equal(join(dir.path, 'overrides'));
      expect(loadSettings({ DSRFLOW_OVERRIDES_DIR: 'elsewhere' }, 'dsrflow.yaml', dir.path).overridesDir).to.equal(join(dir.path, 'elsewhere'));
      expect(loadSettings({}, undefined, join(dir.path, 'none')).overridesDir).to.equal(undefined);
    } finally {
      dir.remove();
    }
  });
});
