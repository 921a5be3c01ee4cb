// Test-only: selects the minimal preset before @lodestar/params is first imported in this test file's
// module graph (the Web3Signer spec examples are built with the minimal preset). Import it first.
process.env.LODESTAR_PRESET = "minimal";
