declare const TRUSTLENS_VERSION: string | undefined;

/** This build's version, e.g. `0.1.0` (set by the build), or `dev` when run from source. */
export const VERSION = typeof TRUSTLENS_VERSION === 'string' ? TRUSTLENS_VERSION : 'dev';
