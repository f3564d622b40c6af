import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository: this file runs as test/boundaries.test.ts (tsx) or dist/test/boundaries.test.js. */
const ROOT = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../' : '../../', import.meta.url));

/** The parts of the code, most specific first; `src` alone is the composition root (app, server, config). */
const PARTS = ['src/advisor', 'src/jobs', 'src/cli', 'src/http', 'src/platform', 'src', 'routes', 'workers', 'python'] as const;
type Part = (typeof PARTS)[number];

/** What each part may import, besides itself and packages. The graph this draws has no cycle. */
const MAY_IMPORT: Record<Part, readonly Part[]> = {
  'src/advisor': ['python'],
  'src/platform': [],
  'src/jobs': ['src/advisor'],
  'src/http': ['src/advisor', 'src/jobs'],
  'src/cli': ['src/advisor', 'src/http'],
  routes: ['src/advisor', 'src/http', 'src/jobs'],
  // The advice worker computes heavy replies off the event loop with the same code the route runs.
  workers: ['src/jobs', 'src/advisor', 'src/http'],
  src: ['src/advisor', 'src/jobs', 'src/http', 'src/platform', 'routes'],
  python: [],
};

/** Packages of the web framework: the domain and the jobs must run without them. */
const FRAMEWORK = /^(fastify|fastify-plugin|fastify-type-provider-zod|@fastify\/.*)$/;

interface Import {
  from: string;
  /** A repository path for a relative import, else the package name. */
  to: string;
  relative: boolean;
  typeOnly: boolean;
}

function partOf(path: string): Part | undefined {
  return PARTS.find((part) => path === part || path.startsWith(`${part}/`) || (part === 'src' && dirname(path) === 'src'));
}

function sourceFiles(folder: string): string[] {
  return (readdirSync(join(ROOT, folder), { recursive: true }) as string[])
    .filter((name) => name.endsWith('.ts'))
    .map((name) => [folder, ...name.split(sep)].join('/'));
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const isRelative = specifier.startsWith('.');
    const to = isRelative ? normalize(join(dirname(file), specifier)).split(sep).join('/').replace(/\.js$/, '.ts') : specifier;
    found.push({ from: file, to, relative: isRelative, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = ts.isImportDeclaration(node) ? node.importClause : undefined;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = ts.isExportDeclaration(node)
        ? node.isTypeOnly
        : clause !== undefined && (clause.isTypeOnly || (!clause.name && named !== undefined && named.length > 0 && named.every((element) => element.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = ['src', 'routes', 'workers'].flatMap(sourceFiles);
const imports = files.flatMap(importsOf);
const between = (from: Part, to: Part) =>
  imports.filter((i) => i.relative && partOf(i.from) === from && partOf(i.to) === to).map((i) => `${i.from} -> ${i.to}`);

/** Each cycle found by a depth-first walk of `edges`, as the path that closes it. */
function cycles(nodes: readonly string[], edges: (node: string) => readonly string[]): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[][] = [];
  const walk = (node: string, path: string[]) => {
    state.set(node, 'open');
    for (const next of edges(node)) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), node, next]);
      else if (!state.has(next)) walk(next, [...path, node]);
    }
    state.set(node, 'done');
  };
  for (const node of nodes) if (!state.has(node)) walk(node, []);
  return found;
}

describe('boundaries between the parts of the code', () => {
  test('every source file belongs to a part, and every relative import lands on a file', () => {
    assert.ok(files.length > 50, `found only ${files.length} source files under ${ROOT}`);
    for (const file of files) assert.ok(partOf(file), `${file} is in no part`);
    const known = new Set(files);
    for (const i of imports.filter((i) => i.relative && partOf(i.to) !== 'python')) {
      assert.ok(known.has(i.to), `${i.from} imports ${i.to}, which is not a source file`);
    }
  });

  test('each part imports only the parts it may', () => {
    const crossings = imports.filter((i) => i.relative && partOf(i.from) !== partOf(i.to));
    const refused = crossings.filter((i) => !MAY_IMPORT[partOf(i.from)!].includes(partOf(i.to)!));
    assert.deepEqual(refused.map((i) => `${i.from} -> ${i.to}`), []);
  });

  test('the advisor is pure: no web framework, no jobs, CLI, HTTP, routes or workers', () => {
    const advisor = imports.filter((i) => partOf(i.from) === 'src/advisor');
    assert.deepEqual(advisor.filter((i) => !i.relative && FRAMEWORK.test(i.to)).map((i) => `${i.from} -> ${i.to}`), []);
    for (const part of ['src/jobs', 'src/cli', 'src/http', 'routes', 'workers', 'src'] as const) {
      assert.deepEqual(between('src/advisor', part), [], `src/advisor imports ${part}`);
    }
    // zod for the schemas is the one package it needs.
    assert.deepEqual([...new Set(advisor.filter((i) => !i.relative).map((i) => i.to))], ['zod']);
  });

  test('the jobs import no route, no HTTP and no worker; the workers import the jobs, never the reverse', () => {
    for (const part of ['routes', 'src/http', 'src/cli', 'workers'] as const) {
      assert.deepEqual(between('src/jobs', part), [], `src/jobs imports ${part}`);
    }
    const jobs = imports.filter((i) => partOf(i.from) === 'src/jobs' && !i.relative);
    assert.deepEqual(jobs.filter((i) => FRAMEWORK.test(i.to)).map((i) => `${i.from} -> ${i.to}`), []);
    assert.ok(between('workers', 'src/jobs').length > 0, 'the workers run the jobs code');
  });

  test('no import cycle between the parts, nor between files', () => {
    const partEdges = (part: string) => [...new Set(imports.filter((i) => i.relative && partOf(i.from) === part && partOf(i.to) !== part).map((i) => partOf(i.to)!))];
    assert.deepEqual(cycles(PARTS, partEdges), []);
    const fileEdges = (file: string) => imports.filter((i) => i.relative && i.from === file).map((i) => i.to);
    assert.deepEqual(cycles(files, fileEdges), []);
  });
});
