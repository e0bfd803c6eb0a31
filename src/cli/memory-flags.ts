/**
 * V8 flags the console runs with (main.ts's #! line, package.json's start and bench scripts; a unit
 * test keeps the three in step). Measured with `npm run bench` at 1,000 hosts: V8's defaults let the
 * old space grow to ~2.7x the live heap and keep 32 MB of new space, about 330 MB resident for ~60 MB
 * of live objects; with these the console stays under 200 MB at the same keypress latency.
 * They only take effect on the command line (V8 sizes the new space when the process starts).
 */
export const MEMORY_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=30'] as const;
