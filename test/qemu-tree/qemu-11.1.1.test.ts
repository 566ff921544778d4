// mtc's patches and checks inside the real QEMU 11.1.1 tree (see trees.ts).
import { expect, it } from 'vitest';
import { loadBuiltinProfile } from '../../src/qemu/builtin.js';
import { treeTests } from './trees.js';

it('mtc ships a profile of this tree, read from QEMU 11.1.1', () => expect(loadBuiltinProfile('11.1.1').qemu).toBe('11.1.1'));
treeTests('11.1.1');
