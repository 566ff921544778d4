/**
 * Hostile reasons, references and property values through the whole
 * pipeline (parse, check, emit), compared with the same rules holding benign
 * text:
 *   - C: compiles (-fsyntax-only, the test header, -Werror, and -trigraphs so
 *     a `??/` really would splice a line), and its token stream with comments
 *     and string contents stripped equals the benign build's, both with our
 *     tokenizer and after the C compiler's own comment removal;
 *   - JSON: parses, and carries the hostile text exactly;
 *   - Markdown: parsed with a real Markdown parser (Prettier's remark), no raw
 *     HTML node, no link other than http(s), tables keep their columns, and
 *     the payload reads literally;
 *   - HTML: loaded in headless Chromium, no script runs (window.__pwned stays
 *     undefined, no dialog), no element or handler is added, the text shows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type Generated } from '../../src/emit/build.js';
import { CFLAGS, needCompiler } from '../emit/cc-util.js';
import { launchChromium, newPage } from '../support/browser.js';
import { compileChecked, errorsOf } from './support.js';

/** An mtc string literal for any JS string (mtc escapes: \\ \" \n \t \u{HEX}). */
export function mtcString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0x2028 || cp === 0x2029) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

const PAYLOADS = [
  '*/ int injected1; /* "quote" back\\slash\nline two ??= ??/ ??\' ??( ??) ??! ??< ??> ??- \u0000 NUL \u202e RTL\u202c <script>window.__pwned=1</script>',
  '](javascript:window.__pwned=2) [click](javascript:window.__pwned=2) <img src=x onerror="window.__pwned=3"> </td></tr></table><script>window.__pwned=4</script> | pipe | \n# heading\n#define X 1\n*/ } ; int x; //',
  '\\\n#include "/etc/passwd"\n??/\nint injected3; <!-- --> <![CDATA[ ]]> `code` &lt;script&gt;window.__pwned=5&lt;/script&gt; \u2028\u2029\ufeff\u200b <svg onload=window.__pwned=6>',
  '"); system("rm -rf /"); /* \\\\\\ \u0007 \u001b[31m \u{1F600} café <a href="javascript:window.__pwned=7">x</a> <iframe src="javascript:window.__pwned=8"></iframe> {{7*7}}',
];
const VALUE = 'v"a\\l??/ue*/ \u202ex <script>window.__pwned=9</script> ??= \\';
/** Hostile urls that pass mtc's reference checks: the docs must still not let them out of their href. */
const URL_REF = 'https://example.com/x](javascript:window.__pwned=10)\'onmouseover=\'window.__pwned=11';
const MSGID_REF = "x'onerror=window.__pwned=12@y";

function rules(p: readonly string[], value: string, url: string, msgid: string): string {
  const s = mtcString;
  return `// hardening: adversarial text
target x-mig;

machine virt-10.2 {
  allow cpu 0x413fd0c1 {
    reason ${s(p[0]!)};
  }
}

machine virt-10.1 {
  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15 {
    reason ${s(p[0]!)};
    ref bug ${s(p[1]!)};
    ref url ${s(url)};
    ref msgid ${s(msgid)};
  }
  tolerate TCR2_EL1 kernel 6.5..6.12 {
    reason ${s(p[1]!)};
    ref bug ${s(p[2]!)};
  }
  tolerate PIR_EL1 {
    reason ${s(p[2]!)} ${s(p[3]!)};
  }
  set arm-cpu.x-test-prop = ${s(value)} {
    reason ${s(p[3]!)};
    ref bug ${s(p[0]!)};
  }
  requires kernel 5.19 {
    reason ${s(p[1]!)};
  }
}
`;
}

function build(text: string): Generated {
  const r = compileChecked({ 'rules.mtc': text });
  expect(errorsOf(r.diagnostics).map((d) => `${d.code} ${d.message}`)).toEqual([]);
  const gen = generate(r.model!);
  expect(errorsOf(gen.diagnostics)).toEqual([]);
  return gen;
}

const hostileText = rules(PAYLOADS, VALUE, URL_REF, MSGID_REF);
const benignText = rules(PAYLOADS.map((_, i) => `benign reason ${i}`), 'plain', 'https://example.com/plain', 'plain@example.com');
const hostile = build(hostileText);
const benign = build(benignText);
const cPaths = [...hostile.files.keys()].filter((p) => p.endsWith('.c'));
const mdPaths = [...hostile.files.keys()].filter((p) => p.endsWith('.md'));

/**
 * C tokens with comments removed and every string or character literal
 * replaced by a placeholder (their contents differ by design; adjacent
 * string literals count as one). Preprocessor
 * directives are kept, as tokens: an injected `#define` must show. Throws on
 * what a C lexer would reject (unterminated comment or literal).
 */
export function cTokenStream(src: string): string[] {
  const toks: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (src.startsWith('\\\n', i)) {
      i += 2; // a line splice joins lines: not a token
    } else if (src.startsWith('/*', i)) {
      const e = src.indexOf('*/', i + 2);
      if (e < 0) throw new Error(`unterminated comment at ${i}`);
      i = e + 2;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i += src.startsWith('\\\n', i) ? 2 : 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\n') throw new Error(`newline in literal at ${j}`);
        j += src[j] === '\\' ? 2 : 1;
      }
      if (j >= src.length) throw new Error(`unterminated literal at ${i}`);
      // Adjacent string literals are one string (C translation phase 6); the emitter splits long ones.
      if (c !== '"' || toks[toks.length - 1] !== '"<string>"') toks.push(c === '"' ? '"<string>"' : "'<char>'");
      i = j + 1;
    } else {
      const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9A-Za-z_.]*|->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!=<>]=|##|\.\.\.|[^])/.exec(src.slice(i, i + 256))!;
      toks.push(m[0]);
      i += m[0].length;
    }
  }
  return toks;
}

describe('adversarial text in the C output', () => {
  it('the hostile text really is in the input, and the two builds have the same files', () => {
    expect(hostileText).toContain('\\u{0}');
    expect(hostileText).toContain('\u202e');
    expect(hostileText).toContain('??=');
    expect([...hostile.files.keys()]).toEqual([...benign.files.keys()]);
    expect(cPaths.length).toBeGreaterThan(0);
  });

  it('the tokenizer can fail: an injected declaration or directive shows in the stream', () => {
    const base = cTokenStream('/* a */ static int x = 1; const char *s = "*/ y";');
    expect(cTokenStream('/* a */ static int x = 1; const char *s = "*/ z \\" q";')).toEqual(base);
    expect(cTokenStream('/* a */ int y; static int x = 1; const char *s = "*/ y";')).not.toEqual(base);
    expect(cTokenStream('/* a \n#define X */ static int x = 1; const char *s = "";')).toEqual(base);
    expect(cTokenStream('/* a */\n#define X\nstatic int x = 1; const char *s = "";')).not.toEqual(base);
    expect(() => cTokenStream('/* a */ */ x')).not.toThrow();
    expect(cTokenStream('/* a */ */ x')).toEqual(['*', '/', 'x']);
    expect(cTokenStream('f("a" "b", "c");')).toEqual(['f', '(', '"<string>"', ',', '"<string>"', ')', ';']);
  });

  it.each(cPaths)('%s: same token stream as with benign text (comments and string contents stripped)', (path) => {
    expect(cTokenStream(hostile.files.get(path)!)).toEqual(cTokenStream(benign.files.get(path)!));
  });

  it.each(cPaths)('%s: compiles with -fsyntax-only -trigraphs -Werror, and the compiler strips comments to the same stream', (path) => {
    const CC = needCompiler();
    const dir = mkdtempSync(join(tmpdir(), 'mtc-hardening-cc-'));
    for (const [name, text] of [['hostile.c', hostile.files.get(path)!], ['benign.c', benign.files.get(path)!]] as const) {
      writeFileSync(join(dir, name), text);
      const r = spawnSync(CC, [...CFLAGS, '-trigraphs', '-fsyntax-only', join(dir, name)], { encoding: 'utf8' });
      expect(r.stderr + r.stdout, name).toBe('');
      expect(r.status, name).toBe(0);
    }
    // The compiler's own comment removal (-fpreprocessed: no macro expansion), where supported (gcc).
    const pre = (name: string) => spawnSync(CC, ['-fpreprocessed', '-trigraphs', '-dD', '-E', '-P', join(dir, name)], { encoding: 'utf8' });
    const h = pre('hostile.c');
    const b = pre('benign.c');
    if (h.status === 0 && b.status === 0) expect(cTokenStream(h.stdout)).toEqual(cTokenStream(b.stdout));
  });

  it('the compile check can fail: a reason that escaped its comment would be rejected', () => {
    const CC = needCompiler();
    const dir = mkdtempSync(join(tmpdir(), 'mtc-hardening-cc-'));
    const broken = benign.files.get(cPaths[0]!)!.replace('benign reason 0', 'benign */ int injected; /* reason 0');
    expect(broken).not.toBe(benign.files.get(cPaths[0]!));
    writeFileSync(join(dir, 'broken.c'), broken + '\nstatic int unused_injected;\n');
    const r = spawnSync(CC, [...CFLAGS, '-fsyntax-only', join(dir, 'broken.c')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
  });

  it('a property value with a NUL or a line break is refused with MTC3005 (QEMU reads C strings)', () => {
    for (const bad of ['a\u0000b', 'a\nb']) {
      const r = compileChecked({ 'rules.mtc': rules(PAYLOADS, bad, URL_REF, MSGID_REF) });
      const codes = [...errorsOf(r.diagnostics), ...(r.model ? errorsOf(generate(r.model).diagnostics) : [])].map((d) => d.code);
      expect(codes, JSON.stringify(bad)).toEqual(['MTC3005']);
    }
  });

  it('the property value reaches the C string and the JSON exactly; reasons reach the JSON exactly', () => {
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(JSON.parse(hostile.files.get('mtc-build.json')!));
    expect(strings).toContain(VALUE);
    for (const p of PAYLOADS) expect(strings.some((s) => s.includes(p)), JSON.stringify(p.slice(0, 30))).toBe(true);
    expect(cPaths.some((p) => hostile.files.get(p)!.includes('x-test-prop'))).toBe(true);
  });
});

type MdNode = { type: string; value?: string; url?: string; children?: MdNode[] };

async function parseMarkdown(text: string): Promise<MdNode> {
  const { parsers } = await import('prettier/plugins/markdown');
  return (await parsers.markdown!.parse(text, {} as never)) as MdNode;
}

function* nodes(n: MdNode): Generator<MdNode> {
  yield n;
  for (const c of n.children ?? []) yield* nodes(c);
}

describe('adversarial text in the Markdown docs', () => {
  it('the Markdown check can fail: raw markup and a javascript: link are found', async () => {
    const ast = await parseMarkdown('a <script>x</script> [l](javascript:alert(1))\n');
    const types = [...nodes(ast)].map((n) => n.type);
    expect(types).toContain('html');
    expect([...nodes(ast)].some((n) => n.type === 'link' && n.url!.startsWith('javascript:'))).toBe(true);
  });

  it.each(mdPaths)('%s: no raw HTML, links only to http(s), no bidi or NUL, tables keep their columns', async (path) => {
    const md = hostile.files.get(path)!;
    expect(md).not.toMatch(/<(script|img|svg|iframe|a)\b/i);
    expect(md).not.toMatch(/[\u0000\u202e\u202c\ufeff\u200b]/);
    const ast = await parseMarkdown(md);
    const benignAst = await parseMarkdown(benign.files.get(path)!);
    const all = [...nodes(ast)];
    // Only the generator's own comment line is raw HTML, as in the benign build.
    const html = (a: MdNode) => [...nodes(a)].filter((n) => n.type === 'html').map((n) => n.value);
    expect(html(ast)).toEqual(html(benignAst));
    for (const v of html(ast)) expect(v).toMatch(/^<!-- Generated by mtc [^<>]*-->$/);
    // Links go to http(s) URLs or to a heading of the page (a machine type's parent).
    for (const n of all) if (n.type === 'link' || n.type === 'image' || n.type === 'definition') expect(n.url).toMatch(/^(https?:\/\/[^\s()'"<>]+|#[\w-]+)$/);
    // The same document structure as with benign text: no heading, table cell or list injected.
    const shape = (n: MdNode): unknown => (n.type === 'text' || n.type === 'inlineCode' ? n.type : [n.type, (n.children ?? []).filter((c) => c.type !== 'text').map(shape)]);
    const blocks = (a: MdNode) => (a.children ?? []).map((b) => [b.type, b.type === 'table' ? b.children!.map((r) => r.children!.length) : null]);
    expect(blocks(ast)).toEqual(blocks(benignAst));
    expect(all.filter((n) => n.type === 'link').length).toBe([...nodes(benignAst)].filter((n) => n.type === 'link').length);
    expect(all.filter((n) => n.type === 'heading').map(shape)).toEqual([...nodes(benignAst)].filter((n) => n.type === 'heading').map(shape));
    // The text reads literally once parsed.
    const text = all.filter((n) => n.type === 'text').map((n) => n.value).join('');
    expect(text).toContain('<script>window.__pwned=1</script>');
    expect(text).toContain('<img src=x onerror="window.__pwned=3">');
    expect(text).toContain('[click](javascript:window.__pwned=2)');
  });
});

describe('adversarial text in the HTML docs, in headless Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function load(html: string) {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-hardening-html-'));
    writeFileSync(join(dir, 'index.html'), html);
    const page = await newPage(browser);
    const events: string[] = [];
    page.on('dialog', (d) => {
      events.push(`dialog ${d.message()}`);
      void d.dismiss();
    });
    page.on('console', (m) => events.push(`console ${m.text()}`));
    page.on('pageerror', (e) => events.push(`pageerror ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) events.push(`request ${r.url()}`);
    });
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    // Hover every link (an onmouseover would run now). dispatchEvent runs the handlers synchronously and,
    // unlike hover(), does not wait for the link to become visible, so no timeout is involved.
    for (const a of await page.locator('a').all()) {
      await a.dispatchEvent('mouseover');
      await a.dispatchEvent('mouseenter');
    }
    const state = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttributeNames(): string[]; getAttribute(n: string): string | null }> } }).document;
      const els = Array.from(d.querySelectorAll('*'));
      return {
        pwned: (globalThis as unknown as { __pwned?: unknown }).__pwned,
        scripts: d.querySelectorAll('script').length,
        embeds: d.querySelectorAll('img, svg, iframe, object, embed').length,
        handlers: els.filter((e) => e.getAttributeNames().some((n) => n.toLowerCase().startsWith('on'))).length,
        hrefs: Array.from(d.querySelectorAll('[href], [src]')).map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? ''),
        elements: els.length,
      };
    });
    const text = await page.locator('body').innerText();
    await page.close();
    return { state, text, events };
  }

  it('the browser check can fail: a page with the payload unescaped is caught', async () => {
    const { state, events } = await load(`<!doctype html><title>t</title><body><p>${PAYLOADS[1]}</p></body>`);
    expect(state.pwned).toBeDefined();
    expect(state.scripts).toBeGreaterThan(0);
    expect(events.length).toBeGreaterThan(0); // the broken <img> at least
  });

  it('no script runs, no element or handler is injected, and the text shows literally', async () => {
    const h = await load(hostile.files.get('docs/index.html')!);
    const b = await load(benign.files.get('docs/index.html')!);
    expect(h.state.pwned).toBeUndefined();
    expect(h.events).toEqual([]);
    expect(h.state.scripts).toBe(b.state.scripts);
    expect(h.state.embeds).toBe(b.state.embeds);
    expect(h.state.handlers).toBe(b.state.handlers);
    expect(h.state.elements).toBe(b.state.elements);
    for (const href of h.state.hrefs) expect(href).toMatch(/^(https?:\/\/[^\s'"()<>]+|#[\w.-]*)$/);
    expect(h.text).toContain('<script>window.__pwned=1</script>');
    expect(h.text).toContain('<img src=x onerror="window.__pwned=3">');
    expect(h.text).toContain('</td></tr></table><script>window.__pwned=4</script>');
    expect(h.text).toContain('&lt;script&gt;window.__pwned=5&lt;/script&gt;');
    expect(h.text).not.toContain('\u202e');
  });
});
