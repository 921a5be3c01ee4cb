// `mzku <command> --help` gives every command's usage with at least one runnable example.
import { describe, expect, it } from "vitest";
import { chainCommandHelp } from "./cli/command.js";
import { chainCommands, rawCommands } from "./commandTable.js";

describe("--help", () => {
  it("every chain command's help has an example and its --json shape", () => {
    for (const command of chainCommands) {
      const help = chainCommandHelp(command);
      const examples = help.split(/\nExamples?:\n/)[1] ?? "";
      expect(examples, command.name).toMatch(new RegExp(`^  (.*&& )?mzku ${command.name}`, "m"));
      expect(help, command.name).toMatch(/\nJSON: \{/);
    }
  });

  it("every `signer` command's help gives its --json shape", async () => {
    const signer = rawCommands.filter((c) => c.name.startsWith("signer "));
    expect(signer.map((c) => c.name)).toEqual([
      "signer start",
      "signer import-interchange",
      "signer export-interchange",
      "signer high-watermark",
    ]);
    for (const command of signer) {
      const usage = typeof command.usage === "string" ? command.usage : await command.usage();
      expect(usage, command.name).toMatch(/\nJSON( \([^)]*\))?: \{/);
    }
  });

  it("every raw command's help has an example", async () => {
    for (const command of rawCommands) {
      const usage = typeof command.usage === "string" ? command.usage : await command.usage();
      expect(usage, command.name).toMatch(/\nExamples?(?: \([^)]*\))?:\n {2}(MZKU_\S+ )?mzku /);
    }
  });
});
