import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Change } from "./changes.js";
import { confirmer } from "./confirm.js";

const changes = [
  { action: "create", kind: "IamRole", id: "r", diff: "", step: "source-roles", ops: [] },
] as Change[];

function terminal(answer: string) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stdout = new PassThrough();
  let asked = "";
  let typed = false;
  stdout.on("data", (c: Buffer) => {
    asked += c.toString();
    if (typed || !asked.includes("accepted: ")) return;
    typed = true;
    // Typed once the prompt is up; Enter is \r, as a terminal in raw mode sends it.
    setImmediate(() => stdin.write(`${answer}\r`));
  });
  return { io: { stdin, stdout }, asked: () => asked };
}

describe("confirmer", () => {
  it("asks on a terminal and accepts only 'yes'", async () => {
    const t = terminal("yes");
    expect(await confirmer("apply", false, t.io)(changes)).toBe(true);
    expect(t.asked()).toContain("Apply 1 change(s)? Only 'yes' is accepted: ");
    expect(await confirmer("destroy", false, terminal("y").io)(changes)).toBe(false);
  });

  it("refuses without a terminal unless --yes (bad input, exit 2)", async () => {
    const io = { stdin: new PassThrough(), stdout: new PassThrough() };
    await expect(confirmer("apply", false, io)(changes)).rejects.toMatchObject({
      exitCode: 2,
      message: "refusing to make 1 change without confirmation (no terminal to ask on)",
    });
    expect(await confirmer("apply", true, io)(changes)).toBe(true);
  });
});
