/** One part of a net flow: `amount` went from party `from` to party `to` (ids the caller chose). */
export interface PairedFlow<K> {
  readonly from: K;
  readonly to: K;
  readonly amount: bigint;
}

/**
 * Turns net balance changes (what chains that report balances or
 * withdraw/deposit records give, rather than sender→recipient pairs) into
 * transfers: parties that lost value are paired with parties that gained it,
 * both in the order given, each leg the smaller of the two remainders. Every
 * party's legs add up to its exact net change; with one sender or one receiver
 * the pairs are the real ones, with many of each they are one faithful
 * decomposition. Throws when the changes do not add up to zero (value created
 * or destroyed): the caller then names the other side (a mint, a fee) itself.
 */
export function pairLedgerFlows<K>(deltas: readonly (readonly [K, bigint])[], what: string): PairedFlow<K>[] {
  const senders: { key: K; remaining: bigint }[] = [];
  const receivers: { key: K; remaining: bigint }[] = [];
  let sum = 0n;
  for (const [key, delta] of deltas) {
    sum += delta;
    if (delta < 0n) senders.push({ key, remaining: -delta });
    else if (delta > 0n) receivers.push({ key, remaining: delta });
  }
  if (sum !== 0n) throw new Error(`${what} changes do not add up (net ${sum})`);
  const legs: PairedFlow<K>[] = [];
  let r = 0;
  for (const s of senders) {
    while (s.remaining > 0n) {
      const receiver = receivers[r]!;
      const amount = s.remaining < receiver.remaining ? s.remaining : receiver.remaining;
      legs.push({ from: s.key, to: receiver.key, amount });
      s.remaining -= amount;
      receiver.remaining -= amount;
      if (receiver.remaining === 0n) r++;
    }
  }
  return legs;
}
