// mtc's patches and checks inside the real QEMU 10.0.13 tree (see trees.ts).
import { expect, it } from 'vitest';
import { loadBuiltinProfile } from '../../src/qemu/builtin.js';
import { treeTests } from './trees.js';

it('mtc ships a profile of this tree, read from QEMU 10.0.13', () => expect(loadBuiltinProfile('10.0.13').qemu).toBe('10.0.13'));
treeTests('10.0.13');
