import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { VERSION } from '../../src/version.js';

describe('version', () => {
  it('src/version.ts matches package.json, and the bundled CLI prints it', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; bin: { mtc: string } };
    expect(VERSION).toBe(pkg.version);
    const r = spawnSync(process.execPath, [pkg.bin.mtc, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});
