// Module resolve hooks (node:module register/registerHooks) that keep the console's start lean.
// Ink imports `throttle` from 'es-toolkit/compat', an index of several hundred modules that costs about
// 300 ms to load on a 2-core machine; the hook points Ink at the one module that defines throttle.

interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type Next<T> = (specifier: string, context: ResolveContext) => T;
interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
}

const COMPAT_INDEX = '/dist/compat/index.mjs';
const THROTTLE = '/dist/compat/function/throttle.mjs';

function lean(specifier: string, context: ResolveContext, result: ResolveResult): ResolveResult {
  if (specifier !== 'es-toolkit/compat' || !context.parentURL?.includes('/node_modules/ink/')) return result;
  if (!result.url.endsWith(COMPAT_INDEX)) return result;
  return { ...result, url: result.url.slice(0, -COMPAT_INDEX.length) + THROTTLE };
}

/** Synchronous hook for module.registerHooks (Node 22.15+, runs in this thread). */
export function resolveSync(specifier: string, context: ResolveContext, next: Next<ResolveResult>): ResolveResult {
  return lean(specifier, context, next(specifier, context));
}

/** Asynchronous hook for module.register (Node 20, runs in the loader thread). */
export async function resolve(specifier: string, context: ResolveContext, next: Next<Promise<ResolveResult>>): Promise<ResolveResult> {
  return lean(specifier, context, await next(specifier, context));
}
