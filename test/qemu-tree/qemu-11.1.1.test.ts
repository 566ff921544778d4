// mtc's patches and checks inside the real QEMU 11.1.1 tree (see trees.ts).
import { treeTests } from './trees.js';

treeTests('11.1.1');
