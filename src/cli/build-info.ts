/**
 * Set only in the bundled build (scripts/bundle.mjs replaces the expression with the package
 * version at bundle time); undefined when running tsc's output directly.
 */
export const BUNDLED_VERSION: string | undefined = process.env['REMLITE_BUNDLED_VERSION'];
