// Module resolve hooks (node:module register/registerHooks) for Ink: a lean start, bounded caches.
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

// Ink modules replaced by our own copies with bounded caches (ink-patches/: why there).
const INK_PATCHES: Readonly<Record<string, string>> = {
  './measure-text.js': new URL('./ink-patches/measure-text.js', import.meta.url).href,
  './wrap-text.js': new URL('./ink-patches/wrap-text.js', import.meta.url).href,
  './output.js': new URL('./ink-patches/output.js', import.meta.url).href,
};

function lean(specifier: string, context: ResolveContext, result: ResolveResult): ResolveResult {
  if (!context.parentURL?.includes('/node_modules/ink/build/')) return result;
  const patch = INK_PATCHES[specifier];
  if (patch) return { ...result, url: patch };
  if (specifier !== 'es-toolkit/compat') return result;
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
