import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_PACKAGES, describeMissingDemoPackages, findMissingDemoPackages } from '../../../src/cli/find-missing-demo-packages.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Files reachable from `entry` through static imports (`import ... from './x.js'`), not `await import()`. */
function staticImportGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (graph.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms)].map((m) => m[1]!);
    graph.set(file, specifiers);
    for (const s of specifiers) {
      if (s.startsWith('.')) queue.push(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
    }
  }
  return graph;
}

describe('a production install without the demo packages', () => {
  it('lists hardhat and smtp-server as optionalDependencies, not dependencies', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const name of DEMO_PACKAGES) {
      expect(pkg['optionalDependencies']?.[name]).toBeDefined();
      expect(pkg['dependencies']?.[name]).toBeUndefined();
    }
  });

  it('never imports them statically from the CLI or the workers, so every production command starts', () => {
    const entries = ['src/cli/main.ts', 'workers/poller.ts', 'workers/alerter.ts', 'workers/api.ts'].map((f) => resolve(root, f));
    for (const entry of entries) {
      for (const [file, specifiers] of staticImportGraph(entry)) {
        const offending = specifiers.filter((s) => (DEMO_PACKAGES as readonly string[]).some((p) => s === p || s.startsWith(`${p}/`)));
        expect(offending, `${file} imports ${offending.join(', ')}`).toEqual([]);
        expect(file, `${entry} reaches the demo statically`).not.toMatch(/[/\\]src[/\\](app[/\\]demo|devchain)[/\\]/);
      }
    }
  });

  it('the demo names what is missing and how to install it', () => {
    const missing = findMissingDemoPackages((name) => {
      if (name === 'hardhat') throw new Error('Cannot find module');
      return `/x/${name}`;
    });
    expect(missing).toEqual(['hardhat']);
    expect(describeMissingDemoPackages(missing)).toContain('npm install hardhat');
    expect(findMissingDemoPackages(() => '/found')).toEqual([]);
  });
});
