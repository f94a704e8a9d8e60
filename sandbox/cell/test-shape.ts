/**
 * What shape a tests file has, read from its own declarations: does it register test cases with
 * the harness (`test(...)`, `it(...)`, `test.each(...)(...)`, the x- and f- variants), or does it
 * only throw (HumanEval's asserts, MultiPL-E's `function test() { ... } test();`)? A call counts as
 * the harness's only when the name it calls is not declared by the tests themselves, in any scope
 * around the call: a file that declares its own `test` calls its own function. The grader then
 * knows that a run in which such a file registered nothing was cut short.
 */
import type { Node } from "acorn";
import type { Language } from "../types.ts";
import { parseCell } from "./rewrite.ts";
import { transpile } from "./transpile.ts";

/** Harness functions that register a test case. */
const REGISTERING = new Set(["test", "it", "xit", "xtest", "fit"]);

type AnyNode = Node & Record<string, unknown>;

const CACHE_SIZE = 256;
/** A suite grades each task's tests many times (pass@k): the answer is kept per source. */
const cache = new Map<string, boolean | undefined>();

/** Whether `tests` registers test cases with the harness (undefined: it does not parse). */
export async function registersTests(tests: string, language: Language): Promise<boolean | undefined> {
  const key = `${language}\0${tests}`;
  if (cache.has(key)) return cache.get(key);
  const answer = await readShape(tests, language);
  cache.set(key, answer);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return answer;
}

async function readShape(tests: string, language: Language): Promise<boolean | undefined> {
  const js = await transpile(tests, language);
  if (!js.ok) return undefined;
  let program: Node;
  try {
    program = parseCell(js.code);
  } catch {
    return undefined;
  }
  return visit(program as AnyNode, [hoisted(program as AnyNode)]);
}

/** Walks the tree with the chain of scopes around each node; true at the first harness call. */
function visit(node: AnyNode, scopes: Array<Set<string>>): boolean {
  if (node.type === "CallExpression" && isHarnessCall(node, scopes)) return true;
  const inner = scopeOf(node);
  const chain = inner === undefined ? scopes : [...scopes, inner];
  for (const key of Object.keys(node)) {
    const child = node[key];
    if (Array.isArray(child)) {
      for (const c of child) if (isNode(c) && visit(c, chain)) return true;
    } else if (isNode(child) && visit(child, chain)) return true;
  }
  return false;
}

function isNode(v: unknown): v is AnyNode {
  return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string";
}

/** `test(...)`, `test.skip(...)`, `test.each(rows)(...)`: the identifier at the base of the callee. */
function isHarnessCall(call: AnyNode, scopes: Array<Set<string>>): boolean {
  let callee = call.callee as AnyNode;
  for (;;) {
    if (callee.type === "MemberExpression") callee = callee.object as AnyNode;
    else if (callee.type === "CallExpression") callee = callee.callee as AnyNode;
    else break;
  }
  if (callee.type !== "Identifier") return false;
  const name = callee.name as string;
  return REGISTERING.has(name) && !scopes.some((s) => s.has(name));
}

/** The names a node declares for the code inside it, when it opens a scope. */
function scopeOf(node: AnyNode): Set<string> | undefined {
  switch (node.type) {
    case "FunctionDeclaration":
    case "FunctionExpression":
    case "ArrowFunctionExpression": {
      const names = hoisted(node.body as AnyNode);
      for (const p of node.params as AnyNode[]) bindings(p, names);
      // A function expression's own name is visible inside it.
      if (node.type === "FunctionExpression" && isNode(node.id)) names.add(node.id.name as string);
      return names;
    }
    case "BlockStatement":
    case "StaticBlock":
      return lexical(node.body as AnyNode[]);
    case "ForStatement":
    case "ForInStatement":
    case "ForOfStatement": {
      const init = (node.init ?? node.left) as AnyNode | null;
      const names = new Set<string>();
      if (init?.type === "VariableDeclaration")
        for (const d of init.declarations as AnyNode[]) bindings(d.id as AnyNode, names);
      return names;
    }
    case "CatchClause": {
      const names = new Set<string>();
      if (isNode(node.param)) bindings(node.param, names);
      return names;
    }
    case "SwitchStatement":
      return lexical((node.cases as AnyNode[]).flatMap((c) => c.consequent as AnyNode[]));
    default:
      return undefined;
  }
}

/** let/const/class/function declared directly in a block. */
function lexical(statements: AnyNode[]): Set<string> {
  const names = new Set<string>();
  for (const s of statements) {
    if (s.type === "VariableDeclaration" && s.kind !== "var") {
      for (const d of s.declarations as AnyNode[]) bindings(d.id as AnyNode, names);
    } else if ((s.type === "ClassDeclaration" || s.type === "FunctionDeclaration") && isNode(s.id)) {
      names.add(s.id.name as string);
    }
  }
  return names;
}

/**
 * Names a function body (or the program) declares anywhere in it, nested functions excepted:
 * `var`s and function declarations hoist there (sloppy code hoists block-level functions too),
 * and its top-level let/const/class.
 */
function hoisted(body: AnyNode): Set<string> {
  const names = new Set<string>();
  const statements =
    body.type === "Program" || body.type === "BlockStatement" ? (body.body as AnyNode[]) : [];
  for (const n of lexical(statements)) names.add(n);
  const walk = (node: AnyNode): void => {
    if (node.type === "FunctionDeclaration" && isNode(node.id)) names.add(node.id.name as string);
    if (isFunction(node)) return;
    if (node.type === "VariableDeclaration" && node.kind === "var") {
      for (const d of node.declarations as AnyNode[]) bindings(d.id as AnyNode, names);
    }
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (isNode(child)) walk(child);
      else if (Array.isArray(child)) for (const c of child) if (isNode(c)) walk(c);
    }
  };
  for (const s of statements) walk(s);
  return names;
}

function isFunction(node: AnyNode): boolean {
  return (
    node.type === "FunctionDeclaration" ||
    node.type === "FunctionExpression" ||
    node.type === "ArrowFunctionExpression"
  );
}

/** The identifiers a binding pattern declares. */
function bindings(pattern: AnyNode, into: Set<string>): void {
  switch (pattern.type) {
    case "Identifier":
      into.add(pattern.name as string);
      return;
    case "ObjectPattern":
      for (const p of pattern.properties as AnyNode[])
        bindings((p.type === "RestElement" ? p.argument : p.value) as AnyNode, into);
      return;
    case "ArrayPattern":
      for (const e of pattern.elements as Array<AnyNode | null>) if (e !== null) bindings(e, into);
      return;
    case "RestElement":
      bindings(pattern.argument as AnyNode, into);
      return;
    case "AssignmentPattern":
      bindings(pattern.left as AnyNode, into);
      return;
  }
}
