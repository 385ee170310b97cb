/** docs/cli.md lists every command and flag as the command tree defines them. */
import { describe, it } from "vitest";
import { buildProgram } from "../src/cli/program.js";
import { cliReference } from "../src/cli/reference.js";
import { golden } from "./helpers.js";

describe("docs/cli.md", () => {
  it("is the reference generated from the command tree (UPDATE_GOLDEN=1 rewrites it)", async () => {
    golden("../../docs/cli.md", cliReference(await buildProgram()));
  });
});
