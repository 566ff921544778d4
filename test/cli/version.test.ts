import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runBin } from '../support/cli.js';
import { VERSION } from '../../src/version.js';

describe('version', () => {
  it('src/version.ts matches package.json, and the bundled CLI prints it', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const r = runBin(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});
