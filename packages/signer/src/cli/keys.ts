/** `keys dkg` and `keys deposit-data` (filled in below the threshold module; placeholder until then). */
export async function runKeysDkg(_argv: string[]): Promise<number> {
  process.stderr.write("error NOT_IMPLEMENTED: keys dkg is not implemented yet\n");
  return 1;
}

export async function runKeysDepositData(_argv: string[]): Promise<number> {
  process.stderr.write("error NOT_IMPLEMENTED: keys deposit-data is not implemented yet\n");
  return 1;
}
