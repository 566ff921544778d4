import { describe, expect, test } from 'vitest';
import { diagnosticsToGithub, escapeData, escapeProperty, githubAnnotations, workflowCommand, type Annotation } from '../../src/diagnostics/github.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

/** Undoes the escaping as the runner does (toolkit command parsing). */
function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
function unescapeProperty(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

describe('GitHub workflow commands', () => {
  test('escaping of data and properties', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeData('%0A')).toBe('%250A'); // an escape in the input is not decoded later
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    for (const s of ['x::error::y', '%%0A%', 'a,b:c\r\n', '∀ → ok'])
      expect([unescapeData(escapeData(s)), unescapeProperty(escapeProperty(s))]).toEqual([s, s]);
  });

  test('an annotation cannot inject another command', () => {
    const line = workflowCommand({ level: 'error', title: 'MTC0001 x', message: 'bad\n::warning::injected', file: 'rules/a,b:c.mtc', line: 3, column: 2, endLine: 3, endColumn: 9 });
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('::error file=rules/a%2Cb%3Ac.mtc,line=3,col=2,endLine=3,endColumn=9,title=MTC0001 x::bad%0A::warning::injected');
  });

  test('columns are left out for a multi-line range', () => {
    expect(workflowCommand({ level: 'warning', message: 'm', file: 'f', line: 1, column: 5, endLine: 3, endColumn: 2 })).toBe('::warning file=f,line=1,endLine=3::m');
  });

  test('per-step caps with one overflow notice', () => {
    const mk = (level: Annotation['level'], n: number) => Array.from({ length: n }, (_, i) => ({ level, message: `${level} ${i}` }));
    const out = githubAnnotations([...mk('error', 13), ...mk('warning', 4), ...mk('notice', 12)], 'See the log.').trim().split('\n');
    const count = (p: string) => out.filter((l) => l.startsWith(`::${p}`)).length;
    expect(count('error')).toBe(10);
    expect(count('warning')).toBe(4);
    expect(count('notice')).toBe(10);
    expect(out[out.length - 1]).toBe('::notice title=mtc%3A more annotations than GitHub shows::3 errors, 3 notices not shown as annotations (GitHub shows 10 of each kind per step). See the log.');
    // Within the caps: no overflow notice, nothing dropped.
    const small = githubAnnotations([...mk('error', 10), ...mk('notice', 9)], 'x').trim().split('\n');
    expect(small).toHaveLength(19);
    expect(small.some((l) => l.includes('more annotations'))).toBe(false);
  });

  test('mtc check --format github', () => {
    const span = { start: { offset: 0, line: 2, column: 3 }, end: { offset: 4, line: 2, column: 7 } };
    const diags: Diagnostic[] = [
      { code: 'MTC1002', severity: 'error', message: 'x inherits y, which is not declared', file: 'rules/v.mtc', span, help: 'declare y' },
      { code: 'MTC9002', severity: 'error', message: 'no such file or directory: nope' },
    ];
    expect(diagnosticsToGithub(diags)).toBe(
      '::error file=rules/v.mtc,line=2,col=3,endLine=2,endColumn=7,title=MTC1002 unknown-parent::x inherits y, which is not declared%0Ahelp: declare y\n' +
        '::error title=MTC9002 io-error::no such file or directory: nope\n',
    );
  });
});
