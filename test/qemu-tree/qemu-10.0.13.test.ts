// mtc's patches and checks inside the real QEMU 10.0.13 tree (see trees.ts).
import { treeTests } from './trees.js';

treeTests('10.0.13');
