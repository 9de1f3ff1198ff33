/** `xirsa sandbox reset`: forgets every change (and restarts a running sandbox). */
import { files, startDetached, stop, wipe } from "../../../sandbox/index.js";
import { parseFlags } from "../../args.js";
import type { Io } from "../../command.js";
import { cliEntry } from "./entry.js";
import { STATE_DIR_OPTION, stateDirFlag } from "./flags.js";

export async function reset(argv: string[], io: Io): Promise<0> {
  const { values } = parseFlags(argv, STATE_DIR_OPTION, "sandbox reset");
  const stateDir = stateDirFlag(values, "sandbox reset", io);
  const wasRunning = (await stop(stateDir)) !== undefined;
  wipe(stateDir);
  if (wasRunning) {
    await startDetached(stateDir, cliEntry());
    io.stdout.write(`sandbox reset and restarted; . ${files(stateDir).env} again (new admin keys)\n`);
  } else
    io.stdout.write(
      `sandbox state in ${stateDir} reset; start it with xirsa sandbox up --state-dir ${stateDir}\n`,
    );
  return 0;
}
