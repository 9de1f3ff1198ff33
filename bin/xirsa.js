#!/usr/bin/env node
import { main, processIo } from "../dist/cli/main.js";

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`xirsa: ${e?.message ?? e}\n`);
    process.exitCode = 1;
  },
);
