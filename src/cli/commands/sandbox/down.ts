/** `xirsa sandbox down`: stops the sandbox; its state stays in DIR. */
import { stop } from "../../../sandbox/index.js";
import { parseFlags } from "../../args.js";
import type { Io } from "../../command.js";
import { STATE_DIR_OPTION, stateDirFlag } from "./flags.js";

export async function down(argv: string[], io: Io): Promise<0> {
  const { values } = parseFlags(argv, STATE_DIR_OPTION, "sandbox down");
  const stateDir = stateDirFlag(values, "sandbox down", io);
  const pid = await stop(stateDir);
  io.stdout.write(
    pid
      ? `sandbox stopped (pid ${pid}); its state stays in ${stateDir}\n`
      : `sandbox in ${stateDir} is not running\n`,
  );
  return 0;
}
