import { configJsonSchema } from "../../config/index.js";
import { parseFlags } from "../args.js";
import type { Command } from "../command.js";

const command: Command = {
  name: "schema",
  summary: "print the JSON Schema of xirsa.yaml",
  usage: `xirsa schema

Prints the JSON Schema of xirsa.yaml (draft 2020-12) for editor completion, e.g.
  xirsa schema > xirsa.schema.json
and in xirsa.yaml:  # yaml-language-server: $schema=./xirsa.schema.json`,
  async run(argv, io) {
    parseFlags(argv, {}, "schema");
    io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
export default command;
