/**
 * Graphviz as WebAssembly (`@hpcc-js/wasm-graphviz`): DOT to SVG with no native binaries.
 *
 * The package is an ES module with the WebAssembly inlined. Node.js 20.19+ and 22.12+ load it with `require()`; where
 * that fails (older Node.js, or a module system that only evaluates CommonJS, such as jest's), the bundle, which has
 * no imports and one trailing `export{...}` statement, is evaluated as a function body that returns its exports.
 */
import * as fs from 'fs';

const PACKAGE = '@hpcc-js/wasm-graphviz';

/** The part of the package's `Graphviz` instance the renderer uses. */
export interface GraphvizLayout {
  /** Lays out a DOT graph with `dot` and returns the SVG text; throws on invalid DOT. */
  dot(dotSource: string): string;
  /** The Graphviz version (`16.1.0`). */
  version(): string;
}

interface GraphvizModule {
  readonly Graphviz: { load(): Promise<GraphvizLayout> };
}

let loading: Promise<GraphvizLayout> | undefined;

/** Loads Graphviz once per process (later calls share the instance). */
export function loadGraphviz(): Promise<GraphvizLayout> {
  if (!loading) {
    loading = Promise.resolve().then(() => importModule().Graphviz.load());
    loading.catch(() => { loading = undefined; });
  }
  return loading;
}

/** Renders DOT text to SVG text. */
export async function dotToSvg(dotSource: string): Promise<string> {
  return (await loadGraphviz()).dot(dotSource);
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

function evaluateBundle(file: string): GraphvizModule {
  const source = fs.readFileSync(file, 'utf-8');
  const match = /export\s*\{([^}]*)\};?\s*(\/\/# sourceMappingURL=\S*\s*)?$/.exec(source);
  if (!match) throw new Error(`${file} does not end with an export statement`);
  const entries = match[1].split(',').map(part => {
    const [local, exported] = part.trim().split(/\s+as\s+/);
    return `${JSON.stringify(exported ?? local)}: ${local}`;
  });
  const body = `${source.slice(0, match.index)}\nreturn { ${entries.join(', ')} };`;
  // The bundle is the installed package's own code, evaluated once; `new Function` keeps it out of this module's scope.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const mod = new Function(body)() as Partial<GraphvizModule>;
  if (!mod.Graphviz) throw new Error(`${file} exports no Graphviz`);
  return mod as GraphvizModule;
}
