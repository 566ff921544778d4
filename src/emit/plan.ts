/**
 * The emission plan: what each machine type's options function does in the
 * generated C, computed once from the resolved model and shared by the C
 * printer, the `--qemu-tree` patcher and the JSON document (whose
 * `compatProps` are the result of running the plan the way QEMU runs the
 * options chain).
 *
 * Names. Every C name comes from the family's naming (src/qemu/families.ts):
 * read from the chosen QEMU tree, or from a preset the project picked in its
 * mtc.yaml (upstream `virt_machine_10_1_options()` and
 * `DEFINE_VIRT_MACHINE(10, 1)`; RHEL `virt_rhel_machine_9_6_0_options()` and
 * `DEFINE_VIRT_MACHINE(9, 6, 0)`). A family with neither is refused (MTC7009).
 *
 * Plain properties (`set`) are added with QEMU's own compat_props_add(): an
 * older machine type's entry comes after the newer one's and wins, which is
 * QEMU's rule for scalars, and `query-machines` lists both.
 *
 * Set-once arrays (x-mig target). QEMU aborts when an array property is set
 * twice on one object, and every older options function first calls the next
 * newer one, which has already added its arrays. So each machine type whose
 * merged (chain-wide) list differs from its parent's adds ONE entry per array
 * property holding the whole merged list, through a generated helper,
 * `<prefix>_compat_props_replace()`, that first removes from the machine's
 * compat_props any entry with the same driver and property (the newer machine
 * type's list, which the merged one contains). A machine type whose merged
 * lists equal its parent's adds nothing and keeps the parent's entries.
 *
 * Tolerance target. Each machine type whose merged tolerance set differs from
 * its parent's gets a function registering that whole set with
 * arm_register_cpreg_mig_tolerance(), one call per index (QEMU asserts an
 * index is registered once); its options function stores the function in the
 * machine class (`set_cpreg_mig_tolerances`), after calling the newer options
 * function, so the last assignment (this machine type's) wins, and
 * machvirt_init() calls it for each vCPU before realizing it.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { CompatSetInfo, MachineType, Model, PropertySetting, ToleratedRegister, HiddenRegister, CTarget } from '../resolve/model.js';
import type { FamilyNaming } from '../qemu/families.js';
import { HIDDEN_PROP, MANAGED_ARRAY_PROPS, SAFE_MISSING_PROP, TOLERANCE_HOOK, compatArrayName, emptyQemuConfig, helperName, optionsFnName, registrationLine, toleranceFnName } from '../qemu/families.js';
import { makeQemuContext, type QemuContext } from '../qemu/context.js';

export { HIDDEN_PROP, SAFE_MISSING_PROP, MANAGED_ARRAY_PROPS };
export const ARM_CPU = 'arm-cpu';
export { TOLERANCE_HOOK };
export const ALL_ONES = 0xffffffffffffffffn;

export type ToleranceType = 'ToleranceNotOnBothEnds' | 'ToleranceOnlySrcTestValue';

export interface ArrayItem {
  readonly id: bigint;
  readonly rule: HiddenRegister | ToleratedRegister;
}

export interface CompatEntry {
  readonly driver: string;
  readonly property: string;
  /** The value QEMU receives. */
  readonly value: string;
  /** Merged register list (array entries, added through the replace helper), or the `set` rule (scalar entries). */
  readonly items?: readonly ArrayItem[];
  readonly setting?: PropertySetting;
  /** QEMU's `.optional = true`. */
  readonly optional?: boolean;
}

export interface ToleranceCall {
  readonly id: bigint;
  readonly mask: bigint;
  readonly value: bigint;
  readonly type: ToleranceType;
  readonly rule: ToleratedRegister;
}

export interface MachinePlan {
  readonly machine: MachineType;
  readonly optionsFn: string;
  /** Options function of the next newer machine type, called first. */
  readonly parentFn?: string;
  /** The registration line QEMU has after the function (`DEFINE_VIRT_MACHINE(10, 1)`). */
  readonly registration: string;
  /** Register arrays, set once per machine type through the replace helper. */
  readonly arrays?: { readonly name: string; readonly entries: readonly CompatEntry[] };
  /** This machine type's own `set` rules, added with compat_props_add(). */
  readonly props?: { readonly name: string; readonly entries: readonly CompatEntry[] };
  readonly tolerance?: { readonly fn: string; readonly calls: readonly ToleranceCall[] };
  /** Shared compat sets this machine type adds, in `use` order, before its own entries (issue 15). */
  readonly uses?: readonly UsePlan[];
}

export interface FamilyPlan {
  readonly family: string;
  readonly naming: FamilyNaming;
  /** Newest first, as in hw/arm/virt.c. */
  readonly machines: readonly MachinePlan[];
  readonly targets: readonly CTarget[];
  /** Rule files the family comes from, sorted. */
  readonly sources: readonly string[];
  /** The set-once helper, when a machine type of the family has register arrays. */
  readonly helper?: string;
}

export interface BuildPlan {
  readonly families: readonly FamilyPlan[];
  /** Shared compat sets used by the machine types, sorted by name (issue 15). */
  readonly compatSets?: readonly CompatSetPlan[];
  readonly byMachine: ReadonlyMap<string, MachinePlan>;
}

export function idHex16(id: bigint): string {
  return '0x' + id.toString(16).padStart(16, '0');
}

/** A C identifier fragment: lower-case letters, digits and `_`. */
export function cIdent(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(s) ? s : `m_${s}`;
}

function sameIds(a: readonly { id: bigint }[], b: readonly { id: bigint }[]): boolean {
  return a.length === b.length && a.every((x, i) => x.id === b[i]!.id);
}

export function toleranceCallOf(t: ToleratedRegister): ToleranceCall {
  return t.kind === 'source-value'
    ? { id: t.id, mask: t.mask ?? ALL_ONES, value: t.value ?? 0n, type: 'ToleranceOnlySrcTestValue', rule: t }
    : { id: t.id, mask: 0n, value: 0n, type: 'ToleranceNotOnBothEnds', rule: t };
}

function sameTolerances(a: readonly ToleratedRegister[], b: readonly ToleratedRegister[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const cx = toleranceCallOf(x);
      const cy = toleranceCallOf(b[i]!);
      return cx.id === cy.id && cx.type === cy.type && cx.mask === cy.mask && cx.value === cy.value;
    })
  );
}

/** A machine type's own `set` rules, the last one per driver.property, in application order. */
function ownScalars(m: MachineType): PropertySetting[] {
  const last = new Map<string, number>();
  m.own.properties.forEach((p, i) => last.set(`${p.driver}\u0000${p.property}`, i));
  return m.own.properties.filter((p, i) => last.get(`${p.driver}\u0000${p.property}`) === i);
}

const presetsOnly = makeQemuContext(undefined, emptyQemuConfig);

/**
 * The plan of a whole model. `qemu` gives each family its names (default:
 * the built-in presets). Families without names are left out with MTC7009.
 */
export function planBuild(model: Model, qemu: QemuContext = presetsOnly): { plan: BuildPlan; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byName = new Map(model.machines.map((m) => [m.name, m]));
  const compatSets = planCompatSets(model, diagnostics);
  const setEntries = new Map((model.compatSets ?? []).map((s) => [s.name, s.entries]));
  const byMachine = new Map<string, MachinePlan>();
  const families: FamilyPlan[] = [];
  const famOrder: string[] = [];
  const famMachines = new Map<string, MachineType[]>();
  for (const m of model.machines) {
    if (!famMachines.has(m.family)) {
      famOrder.push(m.family);
      famMachines.set(m.family, []);
    }
    famMachines.get(m.family)!.push(m);
  }
  for (const family of famOrder) {
    const machines = famMachines.get(family)!;
    const naming = qemu.naming(family);
    if (!naming) {
      const m = machines[0]!;
      diagnostics.push({
        code: 'MTC7009',
        severity: 'error',
        message: `mtc does not know how QEMU names the machine types of family \`${family}\``,
        file: m.source.file,
        help: 'build with --qemu-tree DIR of a tree that defines the family, or give it a preset in mtc.yaml (`families: { ' + family + ': { preset: upstream } }`; presets: upstream, rhel)',
      });
      continue;
    }
    const plans: MachinePlan[] = [];
    for (const m of machines) {
      const parent = m.inherits !== undefined ? byName.get(m.inherits) : undefined;
      const optionsFn = optionsFnName(naming, m);
      const arrayEntries: CompatEntry[] = [];
      let tolerance: MachinePlan['tolerance'];
      if (m.target === 'x-mig') {
        for (const t of m.own.tolerated)
          if (t.kind === 'source-value')
            diagnostics.push({
              code: 'MTC3001',
              severity: 'error',
              message: `the x-mig target cannot test the value of ${t.name ?? idHex16(t.id)}`,
              file: t.source.file,
              span: t.span,
              help: 'use `target tolerances;` for this machine family, or drop the `when` test',
            });
        const lists: [string, readonly (HiddenRegister | ToleratedRegister)[], readonly (HiddenRegister | ToleratedRegister)[]][] = [
          [HIDDEN_PROP, m.effective.hidden, parent?.effective.hidden ?? []],
          [SAFE_MISSING_PROP, m.effective.tolerated, parent?.effective.tolerated ?? []],
        ];
        for (const [property, list, parentList] of lists) {
          if (list.length === 0 || sameIds(list, parentList)) continue;
          arrayEntries.push({
            driver: ARM_CPU,
            property,
            value: list.map((r) => idHex16(r.id)).join(','),
            items: list.map((r) => ({ id: r.id, rule: r })),
          });
        }
      } else {
        for (const h of m.own.hidden)
          diagnostics.push({
            code: 'MTC3001',
            severity: 'error',
            message: `the tolerances target cannot hide ${h.name ?? idHex16(h.id)}`,
            file: h.source.file,
            span: h.span,
            help: 'tolerate it instead: `tolerate REG when value & 0xffffffffffffffff == 0`, or use `target x-mig;`',
          });
        const list = m.effective.tolerated;
        if (list.length > 0 && !sameTolerances(list, parent?.effective.tolerated ?? [])) {
          const fn = toleranceFnName(naming, m);
          tolerance = { fn, calls: list.map(toleranceCallOf) };
        }
      }
      const propEntries: CompatEntry[] = [];
      for (const p of ownScalars(m)) {
        refuseControlCharacters(p, diagnostics);
        propEntries.push(entryOf(p));
      }
      const base = compatArrayName(naming, m);
      let arrays: MachinePlan['arrays'];
      let props: MachinePlan['props'];
      // One array when the machine type has one kind of entry; `_regs` for the register lists when it has both.
      if (arrayEntries.length > 0) {
        const name = propEntries.length > 0 ? `${base}_regs` : base;
        arrays = { name, entries: arrayEntries };
      }
      if (propEntries.length > 0) {
        props = { name: base, entries: propEntries };
      }
      const plan: MachinePlan = {
        machine: m,
        optionsFn,
        ...(parent ? { parentFn: optionsFnName(naming, parent) } : {}),
        registration: registrationLine(naming, m, !parent),
        ...(arrays ? { arrays } : {}),
        ...(props ? { props } : {}),
        ...(tolerance ? { tolerance } : {}),
        ...(m.own.uses && m.own.uses.length > 0 ? { uses: m.own.uses.map((u) => ({ name: u.name, entries: (setEntries.get(u.name) ?? []).map(entryOf) })) } : {}),
      };
      plans.push(plan);
      byMachine.set(m.name, plan);
    }
    families.push({
      family,
      naming,
      machines: plans,
      targets: [...new Set(machines.map((m) => m.target))].sort(),
      sources: [...new Set(machines.map((m) => m.source.file))].sort(),
      ...(plans.some((p) => p.arrays) ? { helper: helperName(naming) } : {}),
    });
  }
  return { plan: { families, byMachine, ...(compatSets.length > 0 ? { compatSets } : {}) }, diagnostics };
}

export interface AppliedProp {
  readonly driver: string;
  readonly property: string;
  readonly value: string;
}

/**
 * What QEMU ends up with after running a machine type's options function:
 * its compat properties in order and the tolerance function installed.
 * Follows the plan the way the generated C runs: parent first, then the
 * replace of this machine type's register arrays, then compat_props_add() of
 * its own properties, then the hook assignment.
 */
export function applyPlan(plan: BuildPlan, machine: string): { props: AppliedProp[]; tolerance?: MachinePlan['tolerance'] } {
  const mp = plan.byMachine.get(machine);
  if (!mp) return { props: [] };
  const base = mp.machine.inherits !== undefined ? applyPlan(plan, mp.machine.inherits) : { props: [] as AppliedProp[] };
  let props = [...base.props];
  for (const u of mp.uses ?? []) for (const e of u.entries) props.push({ driver: e.driver, property: e.property, value: e.value });
  for (const e of mp.arrays?.entries ?? []) {
    props = props.filter((p) => !(p.driver === e.driver && p.property === e.property));
    props.push({ driver: e.driver, property: e.property, value: e.value });
  }
  for (const e of mp.props?.entries ?? []) props.push({ driver: e.driver, property: e.property, value: e.value });
  const tolerance = mp.tolerance ?? base.tolerance;
  return { props, ...(tolerance ? { tolerance } : {}) };
}

/* ---- shared compat sets (issue 15) ---- */

export interface CompatSetPlan {
  readonly name: string;
  readonly info: CompatSetInfo;
  readonly entries: readonly CompatEntry[];
  /** Families whose machine types use it, sorted. */
  readonly families: readonly string[];
}

export interface UsePlan {
  readonly name: string;
  readonly entries: readonly CompatEntry[];
}

export function entryOf(p: PropertySetting): CompatEntry {
  return { driver: p.driver, property: p.property, value: p.value, setting: p, ...(p.optional ? { optional: true } : {}) };
}

/** MTC3005: a `set` whose driver, property or value holds a NUL or control character (QEMU reads them as C strings). */
function refuseControlCharacters(p: PropertySetting, diagnostics: Diagnostic[]): void {
  for (const text of [p.driver, p.property, p.value])
    if (/[\u0000-\u001f\u007f]/.test(text))
      diagnostics.push({
        code: 'MTC3005',
        severity: 'error',
        message: `\`set ${p.driver}.${p.property}\` contains a NUL or control character`,
        file: p.source.file,
        span: p.span,
        help: 'QEMU reads these as C strings; remove the character',
      });
}

/** The sets the model's machine types use, sorted by name; NUL and control characters refused as for `set`. */
export function planCompatSets(model: Model, diagnostics: Diagnostic[]): CompatSetPlan[] {
  const out: CompatSetPlan[] = [];
  for (const info of model.compatSets ?? []) {
    if (info.usedBy.length === 0) continue;
    for (const p of info.entries) refuseControlCharacters(p, diagnostics);
    const families = [...new Set(info.usedBy.map((n) => model.machines.find((m) => m.name === n)?.family).filter((f): f is string => !!f))].sort();
    out.push({ name: info.name, info, entries: info.entries.map(entryOf), families });
  }
  return out;
}
