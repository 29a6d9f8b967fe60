import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { loadSettings } from '../../src/config/settings.ts';
import { tempDir } from '../support/harness.ts';

/** README's configuration table against the code: every variable the code reads is listed, with its real default. */

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SETTINGS_SOURCE = readFileSync(new URL('../../src/config/settings.ts', import.meta.url), 'utf8');

/** The rows of the table: variable, and the default when it is a value one could set (`7d`), not prose. */
const rows = [...README.matchAll(/^\| (?:`[a-z_]+`)? *\| `(DSRFLOW_[A-Z_]+)` \| (.*?) \|/gm)].map(([, variable, cell]) => ({
  variable: variable!,
  value: /^`([^`]+)`$/.exec(cell!)?.[1],
}));

describe("README's configuration table", () => {
  it('lists every DSRFLOW_* variable the settings read, and no other', () => {
    const read = new Set(SETTINGS_SOURCE.match(/DSRFLOW_[A-Z_]+/g));
    expect(rows.map((r) => r.variable).sort()).to.deep.equal([...read].sort());
  });

  it('gives each default as the code has it: setting the variable to it changes nothing', () => {
    const dir = tempDir();
    try {
      const defaults = loadSettings({}, undefined, dir.path);
      const withValue = rows.filter((r) => r.value !== undefined && r.variable !== 'DSRFLOW_CONFIG');
      expect(withValue.length).to.be.greaterThan(10);
      for (const { variable, value } of withValue) {
        expect(loadSettings({ [variable]: value }, undefined, dir.path), `${variable}=${value}`).to.deep.equal(defaults);
      }
    } finally {
      dir.remove();
    }
  });
});
