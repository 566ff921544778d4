/**
 * What the rules that check against the chosen QEMU share: the QEMU context
 * (from the `qemu` extra), the families of the model with their tree entry,
 * and locations in the rule files (machine names, `target` statements).
 */
import type { Span } from '../diagnostics/source.js';
import type { MachineType, Model } from '../resolve/model.js';
import { computeChains } from '../resolve/chain.js';
import { QEMU_EXTRA, makeQemuContext, type QemuContext } from '../qemu/context.js';
import { emptyQemuConfig, type FamilyNaming } from '../qemu/families.js';
import type { ProfileFamily, QemuProfile } from '../qemu/profile.js';
import type { ValidationContext } from './rule.js';

export function qemuOf(ctx: ValidationContext): QemuContext | undefined {
  return ctx.extras.get(QEMU_EXTRA) as QemuContext | undefined;
}

export interface FamilyView {
  readonly family: string;
  /** Newest first (the model's order). */
  readonly machines: readonly MachineType[];
}

export function familiesOf(model: Model): FamilyView[] {
  const out = new Map<string, MachineType[]>();
  for (const m of model.machines) {
    if (!out.has(m.family)) out.set(m.family, []);
    out.get(m.family)!.push(m);
  }
  return [...out].map(([family, machines]) => ({ family, machines }));
}

/**
 * Families to check against the chosen QEMU: in scope and defined by the
 * tree, with the tree's entry. Empty when no QEMU was chosen.
 */
export function checkedFamilies(ctx: ValidationContext): { profile: QemuProfile; qemu: QemuContext; families: (FamilyView & { tree: ProfileFamily })[] } | undefined {
  const qemu = qemuOf(ctx);
  if (!qemu?.profile || !ctx.model) return undefined;
  const profile = qemu.profile;
  const families = familiesOf(ctx.model).flatMap((f) => {
    const tree = profile.families.find((t) => t.name === f.family);
    return tree && qemu.scope(f.family).in ? [{ ...f, tree }] : [];
  });
  return { profile, qemu, families };
}

/** In-scope families whether or not the tree defines them. */
export function scopedFamilies(ctx: ValidationContext): FamilyView[] {
  const qemu = qemuOf(ctx);
  if (!qemu?.profile || !ctx.model) return [];
  return familiesOf(ctx.model).filter((f) => qemu.scope(f.family).in);
}

/** Where a machine type's name is written. */
export function nameAt(ctx: ValidationContext, machine: string): { file: string; span: Span } | undefined {
  const d = computeChains(ctx.project).machines.get(machine);
  return d?.node.name ? { file: d.file, span: d.node.name.span } : undefined;
}

/** The `target` statement of a file, or the machine's name when the file has none. */
export function targetAt(ctx: ValidationContext, m: MachineType): { file: string; span: Span } | undefined {
  const f = ctx.project.files.find((x) => x.path === m.source.file);
  const t = f?.ast.statements.find((s) => s.kind === 'Target');
  return t ? { file: f!.path, span: t.span } : nameAt(ctx, m.name);
}

/** `QEMU 11.1.1` / `QEMU 11.1.1 (--qemu-tree ../qemu)`. */
export function qemuLabel(q: QemuContext): string {
  return q.profile ? `QEMU ${q.profile.qemu}` : 'QEMU';
}

export function compareVersion(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Whether a machine type has rules that reach the C (hide, tolerate, set); allow/requires only inform the simulator. */
export function hasCompat(rules: Pick<MachineType['own'], 'hidden' | 'tolerated' | 'properties'>): boolean {
  return rules.hidden.length > 0 || rules.tolerated.length > 0 || rules.properties.length > 0;
}

const presetsOnly = makeQemuContext(undefined, emptyQemuConfig);

/** A family's naming: from the run's QEMU context, or the built-in presets when the run has none. */
export function namingOf(ctx: ValidationContext, family: string): FamilyNaming | undefined {
  return (qemuOf(ctx) ?? presetsOnly).naming(family);
}
