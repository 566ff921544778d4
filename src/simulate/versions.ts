/** Dotted version comparison (`6.12.40` < `6.15`); missing components count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Kernel from which MIDR_EL1, REVIDR_EL1 and AIDR_EL1 are writable by userspace (3adaee78306148da). */
export const WRITABLE_ID_KERNEL = '6.15';
