// mtc's patches and checks inside the real QEMU 10.2.2 tree (see trees.ts).
import { expect, it } from 'vitest';
import { loadBuiltinProfile } from '../../src/qemu/builtin.js';
import { treeTests } from './trees.js';

it('mtc ships a profile of this tree, read from QEMU 10.2.2', () => expect(loadBuiltinProfile('10.2.2').qemu).toBe('10.2.2'));
treeTests('10.2.2');
