/**
 * The rules of src/architecture.test.ts, on sources given as text so that a test can feed them
 * deliberate violations. Sources are read with the TypeScript compiler's parser: imports are
 * the real import/export declarations and import() calls, and SQL is looked for in string and
 * template literals only (not in comments), whatever its case.
 */
import path from 'node:path';
import ts from 'typescript';

/** A file of src/, its path relative to src/ with forward slashes. */
export interface Source {
  file: string;
  text: string;
}

/** 'platform', 'module:<name>', or 'app' (app.ts, server.ts, demo.ts, cli/, config.ts…). */
export function partOf(file: string): string {
  if (file.startsWith('platform/')) return 'platform';
  const mod = /^modules\/([^/]+)\//.exec(file);
  return mod ? `module:${mod[1]}` : 'app';
}

function isModuleOrEntry(file: string): boolean {
  return partOf(file).startsWith('module:') || /^(app|server|demo)\.tsx?$/.test(file) || file.startsWith('cli/');
}

const parsed = new Map<string, ts.SourceFile>();
function parse(source: Source): ts.SourceFile {
  const key = `${source.file}\0${source.text}`;
  let sf = parsed.get(key);
  if (!sf) {
    sf = ts.createSourceFile(
      source.file,
      source.text,
      ts.ScriptTarget.Latest,
      true,
      source.file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    );
    parsed.set(key, sf);
  }
  return sf;
}

function visit(node: ts.Node, fn: (node: ts.Node) => void): void {
  fn(node);
  ts.forEachChild(node, (child) => visit(child, fn));
}

/** Relative imports of a source (type-only included), as paths relative to src/. */
export function importsOf(source: Source): string[] {
  const found: string[] = [];
  const add = (spec: ts.Expression | undefined) => {
    if (spec && ts.isStringLiteralLike(spec) && spec.text.startsWith('.')) {
      found.push(path.posix.normalize(path.posix.join(path.posix.dirname(source.file), spec.text)));
    }
  };
  visit(parse(source), (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression);
    }
  });
  return found;
}

export interface TableUse {
  line: number;
  /** The table named (lower case, without schema or quotes). */
  table?: string;
  /** An interpolated name that cannot be checked: the expression's text. */
  interpolated?: string;
}

const SQL_VERB = /\b(select|insert|update|delete|with|create|alter|drop|truncate)\b/i;
const SQL_NOUN = /\b(from|into|set|join|table|where)\b/i;
const TABLE_REF =
  /\b(?:from|join|into|update|table|truncate)\s+(?:only\s+)?(?:if\s+(?:not\s+)?exists\s+)?((?:"?[a-z_][\w$]*"?\s*\.\s*)?"?[a-z_][\w$]*"?|⟦\d+⟧)/gi;

/**
 * Tables named by the SQL in a source's literals. An interpolated name (`FROM ${x}`) is resolved
 * when x is a constant string of the same file; a published subquery (`${placeSummarySubquery()}`,
 * ADR 0007) is allowed; anything else is reported as interpolated.
 */
export function tableUses(source: Source): TableUse[] {
  const sf = parse(source);
  const constants = new Map<string, string>();
  visit(sf, (node) => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.isStringLiteralLike(node.initializer) &&
      ts.isVariableDeclarationList(node.parent) &&
      node.parent.flags & ts.NodeFlags.Const
    ) {
      constants.set(node.name.text, node.initializer.text);
    }
  });
  const uses: TableUse[] = [];
  visit(sf, (node) => {
    let text: string;
    let expressions: ts.Expression[] = [];
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) {
      expressions = node.templateSpans.map((s) => s.expression);
      text = node.head.text + node.templateSpans.map((s, i) => `⟦${i}⟧${s.literal.text}`).join('');
    } else return;
    if (!SQL_VERB.test(text) || !SQL_NOUN.test(text)) return;
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    for (const m of text.matchAll(TABLE_REF)) {
      const ref = m[1] as string;
      const slot = /^⟦(\d+)⟧$/.exec(ref);
      if (!slot) {
        uses.push({ line, table: (ref.split('.').pop() as string).replace(/"/g, '').trim().toLowerCase() });
        continue;
      }
      const expression = expressions[Number(slot[1])] as ts.Expression;
      if (ts.isIdentifier(expression) && constants.has(expression.text)) {
        uses.push({ line, table: (constants.get(expression.text) as string).split('.').pop()?.toLowerCase() });
      } else if (
        ts.isCallExpression(expression) &&
        /Subquery$/.test(expression.expression.getText(sf).split('.').pop() as string)
      ) {
        // A subquery another part publishes for joining (ADR 0007): its SQL is checked where it is written.
      } else {
        uses.push({ line, interpolated: expression.getText(sf) });
      }
    }
  });
  return uses;
}

/** Platform code never imports a module nor an entry point. */
export function platformImportingModules(sources: Source[]): string[] {
  return sources
    .filter((s) => partOf(s.file) === 'platform')
    .flatMap((s) =>
      importsOf(s)
        .filter(isModuleOrEntry)
        .map((i) => `${s.file} → ${i}`),
    );
}

/** A module reaches another only through its index.ts. */
export function importsBypassingIndex(sources: Source[]): string[] {
  return sources.flatMap((s) => {
    const from = partOf(s.file);
    return importsOf(s)
      .filter((i) => {
        const to = partOf(i);
        return to.startsWith('module:') && to !== from && !/^modules\/[^/]+\/index\.tsx?$/.test(i);
      })
      .map((i) => `${s.file} → ${i}`);
  });
}

/** SQL naming a table outside the part that owns it, and table names that cannot be checked. */
export function tableOwnershipViolations(sources: Source[], owners: Record<string, string>): string[] {
  const found: string[] = [];
  for (const s of sources) {
    const part = partOf(s.file);
    for (const use of tableUses(s)) {
      if (use.interpolated !== undefined) {
        found.push(`${s.file}:${use.line} interpolates a table name (\${${use.interpolated}}): name the table`);
        continue;
      }
      const owner = owners[use.table as string];
      if (owner && owner !== part) found.push(`${s.file}:${use.line} uses ${use.table} (owned by ${owner})`);
    }
  }
  return found;
}

/** Which module imports which (module names without the prefix), from the sources. */
export function moduleGraph(sources: Source[]): Record<string, string[]> {
  const graph: Record<string, Set<string>> = {};
  for (const s of sources) {
    const from = partOf(s.file);
    if (!from.startsWith('module:')) continue;
    const a = from.slice('module:'.length);
    graph[a] ??= new Set();
    for (const i of importsOf(s)) {
      const to = partOf(i);
      if (to.startsWith('module:') && to !== from) graph[a].add(to.slice('module:'.length));
    }
  }
  return Object.fromEntries(Object.entries(graph).map(([k, v]) => [k, [...v].sort()]));
}

/** The cycles of a directed graph, each as 'a → b → a' (at least one per strongly connected component). */
export function cycles(graph: Record<string, string[]>): string[] {
  const found = new Map<string, string>();
  const done = new Set<string>();
  const walk = (node: string, trail: string[]) => {
    const at = trail.indexOf(node);
    if (at >= 0) {
      const cycle = trail.slice(at);
      const key = [...cycle].sort().join(',');
      if (!found.has(key)) found.set(key, [...cycle, node].join(' → '));
      return;
    }
    if (done.has(node)) return;
    for (const next of graph[node] ?? []) walk(next, [...trail, node]);
    done.add(node);
  };
  for (const node of Object.keys(graph).sort()) walk(node, []);
  return [...found.values()];
}

/**
 * Module dependencies against the declared graph: every import between modules must be
 * declared, the declared graph must have no cycle, and neither may the actual one.
 */
export function moduleDependencyViolations(sources: Source[], allowed: Record<string, string[]>): string[] {
  const actual = moduleGraph(sources);
  const found: string[] = [];
  for (const [from, tos] of Object.entries(actual)) {
    if (!(from in allowed)) found.push(`module ${from} is not declared in the allowed dependency graph`);
    for (const to of tos) {
      if (!(allowed[from] ?? []).includes(to)) found.push(`${from} → ${to} is not an allowed dependency`);
    }
  }
  for (const c of cycles(allowed)) found.push(`declared dependency cycle: ${c}`);
  for (const c of cycles(actual)) found.push(`dependency cycle between modules: ${c}`);
  return found;
}
