// libmime ships no types; only what the demo uses (decoding RFC 2047 encoded words in a Subject header).
// Its functions use `this`: call them on the default export, never detached.
declare module 'libmime' {
  const libmime: { decodeWords(text: string): string };
  export default libmime;
}
