/** x11-hash-js ships no types; only the call chainwatch makes is declared. */
declare module 'x11-hash-js' {
  /** inputFormat 1 / outputFormat 1: arrays of bytes in, an array of 32 bytes out. */
  export function digest(input: number[], inputFormat: 1, outputFormat: 1): number[];
  const x11: { digest: typeof digest };
  export default x11;
}
