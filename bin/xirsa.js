#!/usr/bin/env node
import { main, processIo } from "../dist/cli/main.js";

// The AWS SDK prints a multi-line notice about Node 20 on stderr; xirsa's stderr is one line per error.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// A reader that goes away (`xirsa … | head`) is not an error of xirsa's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`xirsa: ${e?.message ?? e}\n`);
    process.exitCode = 1;
  },
);
