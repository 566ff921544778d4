/** Reads all of standard input (`mtc check -`, `mtc fmt -`), refusing more than `max` bytes. */
export async function readStdin(max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    n += b.length;
    if (n > max) throw new StdinTooLarge(max);
    chunks.push(b);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export class StdinTooLarge extends Error {
  constructor(readonly max: number) {
    super(`standard input is larger than ${max} bytes`);
  }
}
