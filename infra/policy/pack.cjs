// Entry point Pulumi's policy runner loads (package.json "main"). The runner require()s the pack
// with ts-node registered, which cannot load this TypeScript ESM code; so register tsx's ESM
// loader (as Pulumi.yaml's nodeargs does for the program) and import index.ts. The runner awaits
// the exported promise, so a load error fails the preview with its message.
/* global module */
module.exports = (async () => {
  // tsx's ESM API, imported rather than required: its CommonJS build cannot find its own loader.
  const { register } = await import("tsx/esm/api");
  register();
  await import("./index.ts");
})();
