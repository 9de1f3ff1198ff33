#!/usr/bin/env node
// The AWS SDK prints a multi-line notice about Node 20 on stderr; xirsa's stderr is one line per error.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// A reader that goes away (`xirsa … | head`) is not an error of xirsa's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const argv = process.argv.slice(2);

/** `xirsa token` (run by kubectl before every burst of requests) starts from its own bundle when it is built. */
async function entry() {
  if (argv[0] === "token" && !argv.includes("--help") && !argv.includes("-h")) {
    try {
      const { runToken, processIo } = await import("../dist/token/tokenEntry.js");
      return () => runToken(argv.slice(1), processIo());
    } catch (e) {
      if (e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
    }
  }
  const { main, processIo } = await import("../dist/cli/main.js");
  return () => main(argv, processIo());
}

entry()
  .then((run) => run())
  .then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`xirsa: ${e?.message ?? e}\n`);
      process.exitCode = 1;
    },
  );
