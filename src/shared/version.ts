declare const __KOJO_VERSION__: string;

/** Package version, injected by the build. */
export const KOJO_VERSION: string = __KOJO_VERSION__;
/** Bumped whenever a method, a param or the attach stream changes incompatibly. */
export const PROTOCOL_VERSION = 2;
