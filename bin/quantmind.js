#!/usr/bin/env node
// The `quantmind` CLI launcher: runs the TypeScript sources through tsx's loader,
// so the package's bin, `npm start` and the container image all run the same code.
import { register } from "tsx/esm/api";

register();
await import("../services/cli.ts");
