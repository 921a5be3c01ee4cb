// The protocol contracts the sdk generates ABIs and actions for (names of Foundry artifacts).
export const PROTOCOL_CONTRACTS = ["MzkuToken"];
