/**
 * JSON Schema of `mtc diff --format json` (report-types.ts). The source of
 * truth; schema/diff.schema.json is written from it (src/tools/gen-review-files.ts) and a
 * test checks that the file is not stale and that reports validate.
 */
const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };
const int1 = { type: 'integer', minimum: 1 };
const count = { type: 'integer', minimum: 0 };
const strings = { type: 'array', items: str };

const location = {
  type: 'object',
  additionalProperties: false,
  required: ['file', 'line', 'column'],
  properties: { file: str, line: int1, column: int1, endLine: int1, endColumn: int1 },
};
const nullableLocation = { oneOf: [{ type: 'null' }, { $ref: '#/definitions/location' }] };

const changeKinds = [
  'machine-added',
  'machine-removed',
  'chain-changed',
  'target-changed',
  'hidden-added',
  'hidden-removed',
  'tolerance-added',
  'tolerance-removed',
  'tolerance-changed',
  'property-added',
  'property-removed',
  'property-changed',
  'cpu-added',
  'cpu-removed',
  'cpu-changed',
  'kernel-added',
  'kernel-removed',
  'kernel-raised',
  'kernel-lowered',
];

const outcome = { enum: ['ok', 'warn', 'dropped', 'unsafe', 'bug', 'unsupported', 'fail'] };
const pair = {
  type: 'object',
  additionalProperties: false,
  required: ['machine', 'source', 'destination', 'before', 'after', 'qemu', 'notes', 'causes'],
  properties: { machine: str, source: str, destination: str, before: outcome, after: outcome, qemu: strings, notes: strings, causes: strings },
};
const tree = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'spec', 'commit'],
  properties: { kind: { enum: ['git', 'dir', 'worktree'] }, spec: str, commit: { type: ['string', 'null'], pattern: '^[0-9a-f]{40,64}$' } },
};

export const diffReportSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://mtc.example/schema/diff.schema.json',
  title: 'mtc diff report',
  description: 'Output of `mtc diff --format json`: the semantic changes between two rule trees, the breaking-change findings, the change in the migration matrix and the generated C that changes.',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'version', 'base', 'head', 'verdict', 'counts', 'released', 'machines', 'changes', 'causes', 'findings', 'matrix', 'generated', 'diagnostics'],
  properties: {
    format: { const: 'mtc-diff' },
    version: { const: 2, description: 'version 2: findings are one per cause (causes), with the machine types and pairs they concern' },
    base: { $ref: '#/definitions/tree' },
    head: { $ref: '#/definitions/tree' },
    verdict: { enum: ['breaking', 'compatible', 'no-changes', 'error'] },
    counts: {
      type: 'object',
      additionalProperties: false,
      required: ['breaking', 'waived', 'warnings', 'fixes', 'changes', 'causes', 'machinesChanged', 'machinesAdded', 'machinesRemoved'],
      properties: { breaking: count, waived: count, warnings: count, fixes: count, changes: count, causes: count, machinesChanged: count, machinesAdded: count, machinesRemoved: count },
    },
    released: strings,
    machines: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'status', 'released', 'changes'],
        properties: { name: str, status: { enum: ['added', 'removed', 'changed', 'unchanged'] }, released: { type: 'boolean' }, changes: count },
      },
    },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'machine', 'subject', 'before', 'after', 'summary', 'origin', 'location', 'side', 'fixes', 'breaks', 'cause'],
        properties: {
          kind: { enum: changeKinds },
          machine: str,
          subject: str,
          before: nstr,
          after: nstr,
          summary: str,
          origin: nstr,
          location: nullableLocation,
          side: { enum: ['base', 'head'] },
          fixes: strings,
          breaks: strings,
          cause: { type: 'string', description: 'id of the cause (causes[].id) this change belongs to' },
        },
      },
    },
    causes: {
      type: 'array',
      description: 'One entry per rule change, with every machine type it reaches (through inheritance or a changed chain) and the migration pairs it makes fail, pass or unsupported.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'kind', 'origin', 'subjects', 'summary', 'location', 'side', 'machines', 'released', 'effects', 'breaks', 'fixes', 'unsupports'],
        properties: {
          id: str,
          kind: { enum: changeKinds },
          origin: str,
          subjects: strings,
          summary: str,
          location: nullableLocation,
          side: { enum: ['base', 'head'] },
          machines: strings,
          released: strings,
          effects: strings,
          breaks: strings,
          fixes: strings,
          unsupports: strings,
        },
      },
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'name', 'severity', 'machine', 'machines', 'subject', 'cause', 'message', 'location', 'breaks', 'fixes', 'qemu', 'waived'],
        properties: {
          rule: { type: 'string', pattern: '^MTC50[0-9]{2}$' },
          name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
          severity: { enum: ['error', 'warning', 'note'] },
          machine: nstr,
          machines: strings,
          subject: str,
          cause: nstr,
          message: str,
          location: nullableLocation,
          breaks: strings,
          fixes: strings,
          qemu: strings,
          waived: {
            oneOf: [
              { type: 'null' },
              { type: 'object', additionalProperties: false, required: ['reason', 'file', 'line'], properties: { reason: str, file: str, line: int1 } },
            ],
          },
        },
      },
    },
    matrix: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['hosts', 'qemu', 'machines', 'cells', 'newlyFailing', 'newlyPassing', 'newlyUnsupported'],
          properties: {
            hosts: strings,
            qemu: str,
            machines: strings,
            cells: count,
            newlyFailing: { type: 'array', items: { $ref: '#/definitions/pair' } },
            newlyPassing: { type: 'array', items: { $ref: '#/definitions/pair' } },
            newlyUnsupported: { type: 'array', items: { $ref: '#/definitions/pair' } },
          },
        },
      ],
    },
    generated: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'status', 'diff'],
        properties: { path: str, status: { enum: ['added', 'removed', 'changed'] }, diff: str },
      },
    },
    diagnostics: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['side', 'code', 'severity', 'message', 'location'],
        properties: {
          side: { enum: ['base', 'head', 'config'] },
          code: { type: 'string', pattern: '^MTC[0-9]{4}$' },
          severity: { enum: ['error', 'warning', 'note'] },
          message: str,
          location: nullableLocation,
        },
      },
    },
  },
  definitions: { location, pair, tree },
};
