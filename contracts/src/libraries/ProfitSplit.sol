// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ProfitSplit
/// @notice The single-requester distribution of [3.4.7], as a pure function. Of the pot X + FP (the
///         profit X plus the fixed price FP the requester paid):
///           - the provider gets its price (its bid, or the Vickrey price), at most FP;
///           - the Reward Pool gets floor((X + FP)·r / 10000);
///           - the Insurance Pool gets the same;
///           - the requester gets the rest.
///         The requester's share is "the rest", so it is the sink of the rounding dust: the four parts
///         always sum to X + FP exactly. If the pot left after the provider is smaller than the two
///         pool shares (only possible when X is small), each pool gets half of it (floor) and the
///         requester the odd wei; the requester never goes negative.
///         Worked example of the seed: FP 100, bid 60, X 300, r 10% → 60 / 40 / 40 / 260.
library ProfitSplit {
    /// @notice Basis-point denominator.
    uint256 internal constant BPS = 10_000;

    /// @notice The price is above the fixed price: the provider cannot be paid more than FP.
    error ProfitSplitPriceAboveFixedPrice(uint256 price, uint256 fixedPrice);
    /// @notice The rate is above 50%: two pool shares could exceed the pot.
    error ProfitSplitRateTooHigh(uint256 rateBps);

    /// @notice The four parts of a distribution, in wei.
    struct Shares {
        uint256 provider;
        uint256 rewardPool;
        uint256 insurancePool;
        uint256 requester;
    }

    /// @notice Splits X + FP.
    /// @param fixedPrice FP, what the requester paid.
    /// @param price What the provider is paid (≤ FP).
    /// @param profit X, the profit the project made.
    /// @param rateBps r in basis points (≤ 5000).
    function split(uint256 fixedPrice, uint256 price, uint256 profit, uint256 rateBps)
        internal
        pure
        returns (Shares memory s)
    {
        if (price > fixedPrice) revert ProfitSplitPriceAboveFixedPrice(price, fixedPrice);
        if (rateBps > BPS / 2) revert ProfitSplitRateTooHigh(rateBps);
        uint256 pot = fixedPrice + profit;
        uint256 fee = pot * rateBps / BPS;
        uint256 rest;
        unchecked {
            // price ≤ fixedPrice ≤ pot
            rest = pot - price;
        }
        if (fee > rest / 2) fee = rest / 2;
        s.provider = price;
        s.rewardPool = fee;
        s.insurancePool = fee;
        unchecked {
            // 2·fee ≤ rest
            s.requester = rest - 2 * fee;
        }
    }
}
