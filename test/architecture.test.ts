/**
 * The module map, checked: which module folder under app/modules may import which (MODULE_MAP,
 * the same table as the README's "Module map"), no cycle between module folders, and every
 * import from outside a module goes through its public entry (index.ts or index.server.ts).
 * Tests may reach into a module (they test its parts); app/server/tasks.server.ts, the jobs
 * composition root, imports task files for their registration only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Each module and the modules it may import (directly). Lower modules never import higher ones. */
const MODULE_MAP: Record<string, string[]> = {
  audit: [],
  jobs: [],
  mail: ['audit', 'jobs'],
  links: ['audit', 'jobs', 'mail'],
  staff: ['audit', 'mail'],
  ledger: ['audit', 'links', 'mail'],
  dunning: ['audit', 'jobs', 'ledger', 'links', 'mail'],
  debtors: ['audit', 'dunning', 'links', 'mail'],
  payments: ['audit', 'dunning', 'jobs', 'ledger', 'links'],
  invoices: ['audit', 'debtors', 'dunning', 'ledger', 'payments', 'staff'],
  plans: ['audit', 'dunning', 'jobs', 'ledger', 'links', 'mail', 'payments', 'staff'],
  disputes: ['audit', 'dunning', 'jobs', 'ledger', 'links', 'mail', 'staff'],
  bank: ['audit', 'dunning', 'jobs', 'ledger', 'links', 'payments', 'plans'],
  api: ['audit', 'bank', 'debtors', 'invoices', 'ledger'],
  portal: ['dunning', 'ledger', 'links', 'payments'],
  backoffice: ['audit', 'bank', 'debtors', 'dunning', 'plans'],
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODULES_DIR = path.join(ROOT, 'app/modules');
const COMPOSITION_ROOTS = new Set(['app/server/tasks.server.ts']);

const IMPORT =
  /(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function moduleOf(file: string): string | null {
  const rel = path.relative(MODULES_DIR, file);
  if (rel.startsWith('..')) return null;
  return rel.split(path.sep)[0];
}

type Edge = { from: string; file: string; spec: string; target: string; toModule: string };

function importsOf(file: string): Edge[] {
  const text = fs.readFileSync(file, 'utf8');
  const edges: Edge[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    let target: string;
    if (spec.startsWith('~/')) target = path.join(ROOT, 'app', spec.slice(2));
    else if (spec.startsWith('.')) target = path.resolve(path.dirname(file), spec);
    else continue;
    const toModule = moduleOf(target);
    if (toModule === null) continue;
    edges.push({
      from: moduleOf(file) ?? path.relative(ROOT, file),
      file: path.relative(ROOT, file),
      spec,
      target,
      toModule,
    });
  }
  return edges;
}

const appFiles = sourceFiles(path.join(ROOT, 'app'));
const edges = appFiles.flatMap(importsOf);
const moduleFolders = fs
  .readdirSync(MODULES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('the module map', () => {
  it('names every module folder, and only those', () => {
    expect(Object.keys(MODULE_MAP).sort()).toEqual(moduleFolders);
  });

  it('is followed: a module imports only the modules the map allows', () => {
    const wrong = edges
      .filter((e) => moduleFolders.includes(e.from) && e.from !== e.toModule)
      .filter((e) => !MODULE_MAP[e.from]?.includes(e.toModule))
      .map((e) => `${e.file} imports ${e.spec} (${e.from} may not import ${e.toModule})`);
    expect(wrong).toEqual([]);
  });

  it('has no cycle between module folders', () => {
    const graph = new Map(moduleFolders.map((m) => [m, new Set<string>()]));
    for (const e of edges) if (graph.has(e.from) && e.from !== e.toModule) graph.get(e.from)!.add(e.toModule);
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (m: string, trail: string[]) => {
      if (state.get(m) === 'done') return;
      if (state.get(m) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(m)), m].join(' → '));
        return;
      }
      state.set(m, 'visiting');
      for (const next of graph.get(m) ?? []) visit(next, [...trail, m]);
      state.set(m, 'done');
    };
    for (const m of moduleFolders) visit(m, []);
    expect(cycles).toEqual([]);
  });

  it('is entered through each module’s public entry from everywhere else in app/', () => {
    const deep = edges
      .filter((e) => e.from !== e.toModule && !COMPOSITION_ROOTS.has(e.file))
      .filter(
        (e) =>
          !/^index(\.server)?(\.tsx?)?$/.test(path.basename(e.target)) ||
          path.dirname(e.target) !== path.join(MODULES_DIR, e.toModule),
      )
      .map((e) => `${e.file} imports ${e.spec}`);
    expect(deep).toEqual([]);
  });

  it('is the README’s module map', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const [name, allowed] of Object.entries(MODULE_MAP)) {
      const line = readme.split('\n').find((l) => l.startsWith(`| \`${name}\``));
      expect(line, `README module map row for ${name}`).toBeDefined();
      const imports = line!.split('|')[3]?.trim() ?? '';
      expect(imports === '—' ? [] : imports.split(',').map((s) => s.trim().replace(/`/g, '')), name).toEqual(allowed);
    }
  });
});
