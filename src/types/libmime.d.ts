// libmime ships no types; only what the demo uses (decoding RFC 2047 encoded words in a Subject header).
declare module 'libmime' {
  export function decodeWords(text: string): string;
}
