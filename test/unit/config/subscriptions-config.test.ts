import { describe, expect, it } from 'vitest';
import { checkSettingsText } from '../../../src/config/load-settings.js';

const base = 'chains:\n  ethereum:\n    kind: evm\n    rpcUrls: ["http://127.0.0.1:8545"]\n';

describe('subscriptions config', () => {
  it('accepts the documented keys with safe defaults, and counts as a notification channel', () => {
    const check = checkSettingsText(`${base}subscriptions:\n  allowHttp: true\n  allowPrivateTargets: ["10.20.0.0/16", "fd00::/8"]\n`, 'chainwatch.yaml', {});
    expect(check.problems).toEqual([]);
    expect(check.settings?.subscriptions).toMatchObject({ allowHttp: true, allowPrivateTargets: ['10.20.0.0/16', 'fd00::/8'], timeoutMs: 15_000 });
    const defaults = checkSettingsText(`${base}subscriptions: {}\n`, 'chainwatch.yaml', {});
    expect(defaults.settings?.subscriptions).toMatchObject({ allowHttp: false, allowPrivateTargets: [] });
    expect(checkSettingsText(base, 'chainwatch.yaml', {}).problems.map((p) => p.code)).toContain('no_notification_channel');
  });

  it('reports a bad CIDR with file and line', () => {
    const check = checkSettingsText(`${base}subscriptions:\n  allowPrivateTargets:\n    - 10.20.0.0/33\n`, 'chainwatch.yaml', {});
    expect(check.settings).toBeUndefined();
    const p = check.problems.find((x) => x.field.includes('allowPrivateTargets'));
    expect(p).toMatchObject({ file: 'chainwatch.yaml', line: 7 });
    expect(p?.message).toContain('CIDR');
  });
});
