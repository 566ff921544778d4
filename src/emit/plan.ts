/**
 * The emission plan: what each machine type's options function does in the
 * generated C, computed once from the resolved model and shared by the C
 * printer, the `--qemu-tree` patcher and the JSON document (whose
 * `compatProps` are the result of running the plan the way QEMU runs the
 * options chain).
 *
 * Set-once design (x-mig target). QEMU aborts when an array property is set
 * twice on one object, and every older options function first calls the next
 * newer one, which has already added its arrays. So each machine type whose
 * merged (chain-wide) list differs from its parent's adds ONE entry per array
 * property holding the whole merged list, through a generated helper,
 * `mtc_compat_props_add_once()`, that first removes from mc->compat_props any
 * entry with the same driver and property (the newer machine type's list,
 * which the merged one contains). A machine type whose merged lists equal its
 * parent's adds nothing and keeps the parent's entries. Scalar properties are
 * a machine type's own `set` rules and go through the same helper, which for
 * a scalar is equivalent to QEMU's last-wins order (the removed entry would
 * have been overridden by the appended one) and keeps query-machines free of
 * dead entries.
 *
 * Tolerance target. Each machine type whose merged tolerance set differs from
 * its parent's gets a function registering that whole set with
 * arm_register_cpreg_mig_tolerance(); its options function stores the
 * function in the machine class (`mtc_cpreg_tolerances`), after calling the
 * newer options function, so the last assignment (this machine type's) wins.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { MachineType, Model, PropertySetting, ToleratedRegister, HiddenRegister, CTarget } from '../resolve/model.js';

export const HIDDEN_PROP = 'x-mig-hidden-regs';
export const SAFE_MISSING_PROP = 'x-mig-safe-missing-regs';
/** Register array properties mtc manages; a `set` of one of them is refused (MTC3003). */
export const MANAGED_ARRAY_PROPS: readonly string[] = [HIDDEN_PROP, SAFE_MISSING_PROP, 'kvm-hidden-regs', 'kvm-enforced-regs', 'kvm-fake-regs'];
export const ARM_CPU = 'arm-cpu';
export const HELPER_FN = 'mtc_compat_props_add_once';
export const TOLERANCE_HOOK = 'mtc_cpreg_tolerances';
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
  /** Merged register list (array entries), or the `set` rule (scalar entries). */
  readonly items?: readonly ArrayItem[];
  readonly setting?: PropertySetting;
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
  readonly compat?: { readonly name: string; readonly entries: readonly CompatEntry[] };
  readonly tolerance?: { readonly fn: string; readonly calls: readonly ToleranceCall[] };
}

export interface FamilyPlan {
  readonly family: string;
  /** Newest first, as in hw/arm/virt.c. */
  readonly machines: readonly MachinePlan[];
  readonly targets: readonly CTarget[];
  /** Rule files the family comes from, sorted. */
  readonly sources: readonly string[];
  readonly needsHelper: boolean;
}

export interface BuildPlan {
  readonly families: readonly FamilyPlan[];
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

function versionIdent(m: MachineType): string | undefined {
  return m.version && m.version.length > 0 ? m.version.join('_') : undefined;
}

export function optionsFnName(m: MachineType): string {
  const v = versionIdent(m);
  return v ? `${cIdent(m.family)}_machine_${v}_options` : `${cIdent(m.name)}_machine_options`;
}

export function compatArrayName(m: MachineType): string {
  const v = versionIdent(m) ?? cIdent(m.name);
  const fam = cIdent(m.family);
  return fam.startsWith('virt') ? `arm_${fam}_compat_${v}` : `${fam}_mtc_compat_${v}`;
}

export function toleranceFnName(m: MachineType): string {
  return optionsFnName(m).replace(/_options$/, '_cpreg_tolerances');
}

/** QEMU's registration macro prefix where it is not the family name (hw/i386/pc_q35.c, pc_piix.c). */
const REGISTRATION_PREFIX: Readonly<Record<string, string>> = { 'pc-q35': 'Q35', 'pc-i440fx': 'I440FX' };

function registration(m: MachineType, latest: boolean): string {
  if (!m.version || m.version.length === 0) return `MTC_DEFINE_MACHINE(${optionsFnName(m)})`;
  const prefix = REGISTRATION_PREFIX[m.family] ?? cIdent(m.family).toUpperCase();
  const macro = `DEFINE_${prefix}_MACHINE${latest ? '_AS_LATEST' : ''}`;
  // hw/i386 ends these lines with a semicolon; hw/arm/virt.c does not.
  return `${macro}(${m.version.join(', ')})${REGISTRATION_PREFIX[m.family] ? ';' : ''}`;
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
      const y = b[i]!;
      const cx = toleranceCallOf(x);
      const cy = toleranceCallOf(y);
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

export function planBuild(model: Model): { plan: BuildPlan; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byName = new Map(model.machines.map((m) => [m.name, m]));
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
  // A machine type is "latest" (DEFINE_..._AS_LATEST) when it has no parent.
  for (const family of famOrder) {
    const machines = famMachines.get(family)!;
    const plans: MachinePlan[] = [];
    for (const m of machines) {
      const parent = m.inherits !== undefined ? byName.get(m.inherits) : undefined;
      const optionsFn = optionsFnName(m);
      const entries: CompatEntry[] = [];
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
          entries.push({
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
          const fn = toleranceFnName(m);
          tolerance = { fn, calls: list.map(toleranceCallOf) };
        }
      }
      for (const p of ownScalars(m)) {
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
        entries.push({ driver: p.driver, property: p.property, value: p.value, setting: p });
      }
      let compat: MachinePlan['compat'];
      if (entries.length > 0) {
        const name = compatArrayName(m);
        compat = { name, entries };
      }
      const plan: MachinePlan = {
        machine: m,
        optionsFn,
        ...(parent ? { parentFn: optionsFnName(parent) } : {}),
        registration: registration(m, !parent),
        ...(compat ? { compat } : {}),
        ...(tolerance ? { tolerance } : {}),
      };
      plans.push(plan);
      byMachine.set(m.name, plan);
    }
    families.push({
      family,
      machines: plans,
      targets: [...new Set(machines.map((m) => m.target))].sort(),
      sources: [...new Set(machines.map((m) => m.source.file))].sort(),
      needsHelper: plans.some((p) => p.compat),
    });
  }
  return { plan: { families, byMachine }, diagnostics };
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
 * add-once of this machine type's entries, then the hook assignment.
 */
export function applyPlan(plan: BuildPlan, machine: string): { props: AppliedProp[]; tolerance?: MachinePlan['tolerance'] } {
  const mp = plan.byMachine.get(machine);
  if (!mp) return { props: [] };
  const base = mp.machine.inherits !== undefined ? applyPlan(plan, mp.machine.inherits) : { props: [] as AppliedProp[] };
  let props = [...base.props];
  for (const e of mp.compat?.entries ?? []) {
    props = props.filter((p) => !(p.driver === e.driver && p.property === e.property));
    props.push({ driver: e.driver, property: e.property, value: e.value });
  }
  const tolerance = mp.tolerance ?? base.tolerance;
  return { props, ...(tolerance ? { tolerance } : {}) };
}
