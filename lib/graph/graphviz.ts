/**
 * Graphviz as WebAssembly (`@hpcc-js/wasm-graphviz`): DOT to SVG with no native binaries.
 *
 * The package is an ES module with the WebAssembly inlined. Node.js 20.19+ and 22.12+ load it with `require()`; where
 * that fails (older Node.js, or a module system that only evaluates CommonJS, such as jest's), the bundle, which has
 * no imports and one trailing `export{...}` statement, is evaluated as a function body that returns its exports.
 *
 * Graphviz writes its own diagnostics (`triangulation failed`, `source point not in any triangle`, ...) to standard
 * error through the `console.error` the module captures when it is instantiated. Instantiation happens here with
 * `console.error` routed to a collector, so each `layoutSvg` returns what Graphviz wrote during that layout instead
 * of it reaching the terminal; a layout that produces no output still throws with Graphviz's error message.
 *
 * `layoutSvgWithin` runs one layout in a worker thread with its own instance (the bundle evaluated there the same
 * way), stopped after a time limit: WebAssembly cannot be interrupted in this thread, and `dot` can take minutes on
 * some graph shapes.
 */
import * as fs from 'fs';
import { Worker } from 'worker_threads';

const PACKAGE = '@hpcc-js/wasm-graphviz';

/** The part of the package's `Graphviz` instance the renderer uses. */
export interface GraphvizLayout {
  /** Lays out a DOT graph with `dot` and returns the SVG text; throws on invalid DOT. */
  dot(dotSource: string): string;
  /** Lays out a DOT graph with the engine (`dot`, `neato`, ...) in the output format; throws on invalid DOT. */
  layout(dotSource: string, outputFormat?: string, layoutEngine?: string): string;
  /** The Graphviz version (`16.1.0`). */
  version(): string;
}

/** One layout: the SVG and what Graphviz wrote to standard error meanwhile (warnings, routing failures). */
export interface SvgLayout {
  /** The SVG text. */
  readonly svg: string;
  /** Graphviz's standard error lines during the layout, in order; empty when it had nothing to say. */
  readonly messages: readonly string[];
}

interface GraphvizModule {
  readonly Graphviz: { load(): Promise<GraphvizLayout> };
}

let loading: Promise<GraphvizLayout> | undefined;
/** Where Graphviz's standard error goes while a layout runs; undefined: to the console of the time it was loaded. */
let collecting: string[] | undefined;

/** Loads Graphviz once per process (later calls share the instance). */
export function loadGraphviz(): Promise<GraphvizLayout> {
  if (!loading) {
    loading = Promise.resolve().then(() => instantiate(importModule()));
    loading.catch(() => { loading = undefined; });
  }
  return loading;
}

/** Instantiates the module with `console.error` routed through `collecting` (the module binds it at this moment). */
async function instantiate(mod: GraphvizModule): Promise<GraphvizLayout> {
  const original = console.error;
  const route = (...args: unknown[]) => {
    if (collecting) collecting.push(args.map(String).join(' '));
    else original.apply(console, args);
  };
  console.error = route;
  try {
    return await mod.Graphviz.load();
  } finally {
    // Restore only what this function replaced.
    if (console.error === route) console.error = original;
  }
}

/**
 * Lays out DOT text with a Graphviz engine (default `dot`) and returns the SVG with what Graphviz wrote to standard
 * error meanwhile, which reaches neither the terminal nor the console. Throws with Graphviz's message when it
 * produces no output (invalid DOT).
 */
export async function layoutSvg(dotSource: string, engine: string = 'dot'): Promise<SvgLayout> {
  const graphviz = await loadGraphviz();
  const messages: string[] = [];
  collecting = messages;
  try {
    return { svg: graphviz.layout(dotSource, 'svg', engine), messages };
  } catch (err) {
    // The package unloads its module after a failed layout; load a fresh one next time.
    loading = undefined;
    throw err;
  } finally {
    collecting = undefined;
  }
}

/** Renders DOT text to SVG text with the `dot` engine; Graphviz's warnings are dropped (see `layoutSvg`). */
export async function dotToSvg(dotSource: string): Promise<string> {
  return (await layoutSvg(dotSource)).svg;
}

/** Thrown by `layoutSvgWithin` when Graphviz did not finish in time (its worker was stopped). */
export class LayoutTimeoutError extends Error {
  constructor(
    /** The time allowed, in milliseconds. */
    public readonly timeoutMs: number,
  ) {
    super(`Graphviz did not finish the layout within ${timeoutMs / 1000} s`);
    this.name = 'LayoutTimeoutError';
  }
}

/**
 * The worker of `layoutSvgWithin`: evaluates the bundle (given as a function body), routes the console to a list,
 * lays out the one graph it was given and posts the SVG and that list back, or the error.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const messages = [];
console.error = console.warn = console.log = (...args) => { messages.push(args.map(String).join(' ')); };
const reason = err => String(err && typeof err.message === 'string' ? err.message : err);
try {
  const mod = new Function(workerData.body)();
  mod.Graphviz.load().then(graphviz => {
    let result;
    try {
      result = { svg: graphviz.layout(workerData.dot, 'svg', workerData.engine), messages };
    } catch (err) {
      result = { error: reason(err), messages };
    }
    parentPort.postMessage(result);
  }, err => parentPort.postMessage({ error: reason(err), messages }));
} catch (err) {
  parentPort.postMessage({ error: reason(err), messages });
}
`;

/**
 * Lays out DOT text like `layoutSvg`, but in a worker thread that is stopped after `timeoutMs`, when the promise
 * rejects with `LayoutTimeoutError`: Graphviz's time depends on the graph's shape, not only on its size, and a
 * layout must never hang the caller. Costs a fresh WebAssembly instance (a few hundred milliseconds) per call.
 */
export function layoutSvgWithin(dotSource: string, timeoutMs: number, engine: string = 'dot'): Promise<SvgLayout> {
  let body: string;
  try {
    body = bundleBody(require.resolve(PACKAGE));
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise<SvgLayout>((resolve, reject) => {
    let settled = false;
    // stdout and stderr: true keeps anything the worker prints away from this process's streams.
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { body, dot: dotSource, engine }, stdout: true, stderr: true });
    worker.stdout.resume();
    worker.stderr.resume();
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      settle();
    };
    const timer = setTimeout(() => finish(() => reject(new LayoutTimeoutError(timeoutMs))), timeoutMs);
    worker.on('message', (m: { svg?: string; error?: string; messages: string[] }) => finish(() => {
      if (m.error !== undefined || m.svg === undefined) reject(new Error(m.error ?? 'Graphviz returned nothing'));
      else resolve({ svg: m.svg, messages: m.messages });
    }));
    worker.on('error', err => finish(() => reject(err)));
    worker.on('exit', code => finish(() => reject(new Error(`the Graphviz worker stopped with exit code ${code}`))));
  });
}

function importModule(): GraphvizModule {
  let first: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(PACKAGE) as Partial<GraphvizModule>;
    if (mod && mod.Graphviz) return mod as GraphvizModule;
  } catch (err) {
    first = err;
  }
  try {
    return evaluateBundle(require.resolve(PACKAGE));
  } catch (err) {
    const reason = (e: unknown) => String(typeof (e as { message?: unknown })?.message === 'string' ? (e as { message: string }).message : e).split('\n')[0];
    throw new Error(`cannot load ${PACKAGE} to render SVG (${first ? `require: ${reason(first)}; ` : ''}bundle: ${reason(err)}); `
      + 'use --output dot and render it with Graphviz, or run on Node.js 20.19 or later');
  }
}

/** The bundle as the body of a function that returns its exports (cached: the file is read once). */
function bundleBody(file: string): string {
  if (cachedBody && cachedBody.file === file) return cachedBody.body;
  const source = fs.readFileSync(file, 'utf-8');
  const match = /export\s*\{([^}]*)\};?\s*(\/\/# sourceMappingURL=\S*\s*)?$/.exec(source);
  if (!match) throw new Error(`${file} does not end with an export statement`);
  const entries = match[1].split(',').map(part => {
    const [local, exported] = part.trim().split(/\s+as\s+/);
    return `${JSON.stringify(exported ?? local)}: ${local}`;
  });
  cachedBody = { file, body: `${source.slice(0, match.index)}\nreturn { ${entries.join(', ')} };` };
  return cachedBody.body;
}

let cachedBody: { file: string; body: string } | undefined;

function evaluateBundle(file: string): GraphvizModule {
  const body = bundleBody(file);
  // The bundle is the installed package's own code, evaluated once; `new Function` keeps it out of this module's scope.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const mod = new Function(body)() as Partial<GraphvizModule>;
  if (!mod.Graphviz) throw new Error(`${file} exports no Graphviz`);
  return mod as GraphvizModule;
}
