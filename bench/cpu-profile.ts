/**
 * Summary of a V8 CPU profile (node --cpu-prof): self time per function, heaviest first, so a
 * benchmark can say where the server's time goes without opening DevTools.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fmt, markdownTable, root } from './support.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame comes from: our code by path, a package by name, else the runtime. */
function origin(url: string): string {
  if (!url) return '(runtime)';
  const clean = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(clean);
  if (pkg) return pkg[1] as string;
  if (clean.startsWith('node:')) return clean;
  return path.relative(root, clean);
}

export function summariseProfiles(dir: string, top = 20): { table: string; byOrigin: string } {
  const self = new Map<string, number>();
  const perOrigin = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const node = byId.get(id);
      const dt = (profile.timeDeltas[i] ?? 0) / 1000;
      if (!node) return;
      const f = node.callFrame;
      const key = `${f.functionName || '(anonymous)'} — ${origin(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
      self.set(key, (self.get(key) ?? 0) + dt);
      const o = f.functionName === '(idle)' ? '(idle)' : origin(f.url);
      perOrigin.set(o, (perOrigin.get(o) ?? 0) + dt);
      total += dt;
    });
  }
  const busy = total - (perOrigin.get('(idle)') ?? 0);
  const rows = [...self.entries()]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, ms]) => [k.replace(/\|/g, '\\|'), fmt(ms, 0), fmt((100 * ms) / busy)]);
  const origins = [...perOrigin.entries()]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([k, ms]) => [k, fmt(ms, 0), fmt((100 * ms) / busy)]);
  return {
    table: markdownTable(['Function (self time)', 'ms', '% of busy'], rows),
    byOrigin: markdownTable(['Code', 'ms', '% of busy'], origins),
  };
}
