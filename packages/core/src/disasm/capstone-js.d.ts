/**
 * Ambient declaration for `@alexaltea/capstone-js` (an Emscripten build of Capstone 5.0 that ships no
 * types). Only the default export, the module factory, is declared; `capstone.ts` narrows what it
 * returns to the few exports it uses.
 */
declare module "@alexaltea/capstone-js" {
  const factory: (moduleArg?: Record<string, unknown>) => Promise<unknown>;
  export default factory;
}
