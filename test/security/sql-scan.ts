import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Finds SQL built from strings in TypeScript source: every value in a query must be a ClickHouse
 * query parameter (`{name:Type}`), never spliced into the text.
 *
 * Two checks, on the syntax tree:
 * - a template literal or `+` concatenation whose text looks like SQL may only splice in *static
 *   SQL*: a string literal, a `const` (in the file, or imported from a relative module) whose value
 *   is itself static SQL, a conditional of static parts, or `assertIdentifier(...)` (the store's
 *   checked identifier, for DDL where parameters cannot go);
 * - the SQL handed to ClickHouse (`{ query }` of `.query/.command/.exec`, the second argument of
 *   `selectRows`) must be static SQL as above, so SQL cannot be assembled out of sight first.
 * Anything else must be in the allow-list, each entry with the reason it is safe.
 */
export interface SqlAllowance {
  /** Path relative to the repository root. */
  file: string;
  /** The source text of the spliced or passed expression; '*' for every one in the file. */
  expression: string;
  why: string;
}

export interface SqlViolation {
  file: string;
  line: number;
  expression: string;
  problem: string;
}

const SQL_WORDS = /\b(?:SELECT|INSERT|ALTER|CREATE|DROP|DELETE|UPDATE|WHERE|FROM|TRUNCATE|OPTIMIZE|SYSTEM|RENAME|GRANT|UNION)\b/;
const SINK_METHODS = new Set(['query', 'command', 'exec']);

interface Source {
  path: string;
  file: ts.SourceFile;
}

const cache = new Map<string, Source | undefined>();

function load(path: string): Source | undefined {
  if (!cache.has(path)) {
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = undefined;
    }
    cache.set(path, text === undefined ? undefined : { path, file: ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true) });
  }
  return cache.get(path);
}

function constInitializer(source: Source, name: string): ts.Expression | undefined | 'not-const' {
  let found: ts.Expression | undefined | 'not-const';
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name) {
      const isConst = (ts.getCombinedNodeFlags(node) & ts.NodeFlags.Const) !== 0;
      found = isConst && node.initializer ? node.initializer : 'not-const';
    }
    if (ts.isParameter(node) && ts.isIdentifier(node.name) && node.name.text === name) found = 'not-const';
    ts.forEachChild(node, visit);
  };
  visit(source.file);
  return found;
}

function importedFrom(source: Source, name: string): Source | undefined {
  for (const statement of source.file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings) || !bindings.elements.some((e) => e.name.text === name)) continue;
    const specifier = statement.moduleSpecifier.text;
    return specifier.startsWith('.') ? load(resolve(dirname(source.path), specifier.replace(/\.js$/, '.ts'))) : undefined;
  }
  return undefined;
}

function isStaticSql(expression: ts.Expression, source: Source, resolving = new Set<string>()): boolean {
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return true;
  if (ts.isParenthesizedExpression(expression)) return isStaticSql(expression.expression, source, resolving);
  if (ts.isTemplateExpression(expression)) return expression.templateSpans.every((span) => isStaticSql(span.expression, source, resolving));
  if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return isStaticSql(expression.left, source, resolving) && isStaticSql(expression.right, source, resolving);
  }
  if (ts.isConditionalExpression(expression))
    return isStaticSql(expression.whenTrue, source, resolving) && isStaticSql(expression.whenFalse, source, resolving);
  if (ts.isCallExpression(expression) && ts.isIdentifier(expression.expression) && expression.expression.text === 'assertIdentifier') return true;
  if (ts.isIdentifier(expression)) {
    // `resolving` guards against a constant defined through itself; it holds only the current chain.
    const key = `${source.path}#${expression.text}`;
    if (resolving.has(key)) return false;
    resolving.add(key);
    try {
      const local = constInitializer(source, expression.text);
      if (local === 'not-const') return false;
      if (local) return isStaticSql(local, source, resolving);
      const other = importedFrom(source, expression.text);
      const exported = other && constInitializer(other, expression.text);
      return !!other && !!exported && exported !== 'not-const' && isStaticSql(exported, other, resolving);
    } finally {
      resolving.delete(key);
    }
  }
  return false;
}

function sqlText(node: ts.Node): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
  return '';
}

/** The SQL argument of a call that sends SQL to ClickHouse, if this call is one. */
function sinkArgument(call: ts.CallExpression): ts.Expression | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee) && callee.text === 'selectRows') return call.arguments[1];
  if (!ts.isPropertyAccessExpression(callee) || !SINK_METHODS.has(callee.name.text)) return undefined;
  const [options] = call.arguments;
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const property of options.properties) {
    if (ts.isPropertyAssignment(property) && property.name.getText() === 'query') return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === 'query') return property.name;
  }
  return undefined;
}

/** Violations in one file; `root` makes the reported paths relative. */
export function scanFile(path: string, root: string, allowances: readonly SqlAllowance[], used = new Set<SqlAllowance>()): SqlViolation[] {
  const source = load(path);
  if (!source) return [];
  const file = relative(root, path);
  const violations: SqlViolation[] = [];
  const allowed = (expression: ts.Expression) => {
    const entry = allowances.find((a) => a.file === file && (a.expression === '*' || a.expression === expression.getText()));
    if (entry) used.add(entry);
    return !!entry;
  };
  const report = (node: ts.Node, problem: string) =>
    violations.push({ file, line: source.file.getLineAndCharacterOfPosition(node.getStart()).line + 1, expression: node.getText(), problem });

  const visit = (node: ts.Node) => {
    if (ts.isTemplateExpression(node) && SQL_WORDS.test(sqlText(node))) {
      for (const span of node.templateSpans) {
        if (!isStaticSql(span.expression, source) && !allowed(span.expression)) report(span.expression, 'spliced into SQL text');
      }
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const sides = [node.left, node.right];
      if (sides.some((side) => SQL_WORDS.test(sqlText(side)))) {
        for (const side of sides) if (!isStaticSql(side, source) && !allowed(side)) report(side, 'concatenated into SQL text');
      }
    }
    if (ts.isCallExpression(node)) {
      const sql = sinkArgument(node);
      const vetted = (e: ts.Expression) => isStaticSql(e, source) || allowed(e);
      const ok = sql && (ts.isTemplateExpression(sql) ? sql.templateSpans.every((span) => vetted(span.expression)) : vetted(sql));
      if (sql && !ok) report(sql, 'SQL sent to ClickHouse is not static text');
    }
    ts.forEachChild(node, visit);
  };
  visit(source.file);
  return violations;
}

/** Production sources (`*.ts` under `src`, tests excluded) of every package and service. */
export function productionSources(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules' || name === 'dist') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) files.push(path);
    }
  };
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(join(root, group))) {
      const src = join(root, group, name, 'src');
      if (existsSync(src)) walk(src);
    }
  }
  return files.sort();
}
