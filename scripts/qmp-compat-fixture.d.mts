// Types of scripts/qmp-compat-fixture.mjs for the TypeScript tests.
export const FIXTURE_DIR: string;
export interface QmpAnswer {
  readonly version: { readonly qemu: { readonly major: number; readonly minor: number; readonly micro: number }; readonly package?: string };
  readonly machines: readonly { readonly name: string; readonly 'compat-props'?: readonly { 'qom-type': string; property: string; value: string }[] }[];
}
export function queryMachines(bin: string): Promise<QmpAnswer>;
export function fixtureOf(treeVersion: string, answer: QmpAnswer, family?: string, binary?: string): {
  readonly description: string;
  readonly tree: string;
  readonly qemu: string;
  readonly package: string;
  readonly machines: Record<string, { 'qom-type': string; property: string; value: string }[]>;
};
