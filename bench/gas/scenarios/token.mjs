import { mzkuToken } from "@mzku/sdk";

/** Plain MZKU (OpenZeppelin ERC-20) transfer between two accounts that already hold MZKU: the baseline
 *  other token-moving scenarios compare against. */
export const tokenTransfer = {
  name: "token.transfer",
  description: "MZKU transfer, sender and recipient both already hold a balance",
  async run({ contracts, wallet }) {
    const from = wallet(1);
    const to = wallet(2).account.address;
    const receipt = await mzkuToken.transfer(from, { address: contracts.MzkuToken, args: [to, 10n ** 18n] });
    return { "gas.token.transfer": receipt.gasUsed };
  },
};
