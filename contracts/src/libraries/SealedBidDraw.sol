// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectMarket} from "../interfaces/IProjectMarket.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {Resources} from "../interfaces/ProtocolTypes.sol";

/// @title SealedBidDraw
/// @notice The settlement draw of a ProjectMarket auction [3.4.5], as an external library: the market
///         delegates to it once per settlement, which keeps the market under the EIP-170 size limit.
///         It runs in the market's context (storage, events, `msg.sender` of external calls), so it
///         reads the market's bids and bond balances through the storage references it is given.
///
///         Revealed bids are sorted by (price, keccak256(seed, index)) and walked upward; each is
///         evaluated lazily (eligibility and the score stored at the draw block). The lowest eligible
///         bid and every eligible bid within `bandBps` of it (at most `maxCandidates`) enter the draw;
///         one is drawn with probability proportional to score + 1, using uint256(seed) mod Σweights.
///         A revealed bid found ineligible forfeits up to one bid bond from its bidder's bond balance.
///         For a Vickrey project the walk goes on until a second eligible price is known.
library SealedBidDraw {
    uint256 private constant BPS = 10_000;
    uint256 private constant PRICE_MASK = (1 << 96) - 1;

    /// @notice A bidder's bond balance, the last project it committed to and its provider id (cached at
    ///         its first commit: an address holds one provider forever), in one slot.
    struct Bidder {
        uint128 bond;
        uint64 lastProject;
        uint32 providerId;
    }

    /// @notice What the draw reads of the project and the market, once.
    struct Terms {
        IProviderRegistry registry;
        IReputation reputation;
        uint256 maxBid;
        uint256 reserve;
        uint256 scoreThreshold;
        uint256 drawBlock;
        uint256 bandBps;
        uint256 bidBond;
        uint256 maxCandidates;
        bool vickrey;
        Resources resources;
    }

    /// @notice The draw's result. `winner` is zero when no revealed bid was eligible.
    ///         `forfeited`: the bonds of unrevealed bids and those taken from the bond balances of
    ///         revealed bids found ineligible, all for the Insurance Pool.
    struct Outcome {
        uint256 candidates;
        address winner;
        uint256 providerId;
        uint256 bid;
        uint256 price; // the bid, or for a Vickrey project the second-lowest eligible price if higher
        uint256 forfeited;
    }

    /// @dev The walk's working set.
    struct Draw {
        uint256 projectId;
        uint256 forfeited;
        uint256 candidates;
        uint256 eligible; // eligible bids met by the walk
        uint256 second; // second-lowest eligible price (Vickrey), valid when eligible ≥ 2
        uint256 totalWeight;
        address[] bidders;
        uint256[] pids;
        uint256[] prices;
        uint256[] weights;
    }

    /// @notice Draws the winner of `projectId` among the revealed bids (`mask`) of its `count` slots.
    /// @param bids The project's bid slots: a revealed one holds bidder << 96 | price.
    /// @param bidders The market's bond balances (ineligible bids forfeit from them).
    function run(
        uint256 projectId,
        bytes32[32] storage bids,
        mapping(address => Bidder) storage bidders,
        Terms calldata t,
        bytes32 seed,
        uint256 count,
        uint32 mask
    ) external returns (Outcome memory o) {
        (uint256[] memory keys, uint256 n) = _walkKeys(bids, seed, count, mask);
        Draw memory d;
        d.projectId = projectId;
        unchecked {
            // unrevealed bids forfeit their bond: n ≤ count ≤ 32, bond < 2^128
            d.forfeited = (count - n) * t.bidBond;
        }
        _walk(bids, bidders, t, keys, n, d);
        o.forfeited = d.forfeited;
        o.candidates = d.candidates;
        if (d.candidates == 0) return o;
        uint256 r = uint256(seed) % d.totalWeight;
        uint256 pick;
        for (uint256 i = 0; i < d.candidates; ++i) {
            uint256 w = d.weights[i];
            if (r < w) {
                pick = i;
                break;
            }
            r -= w;
        }
        o.winner = d.bidders[pick];
        o.providerId = d.pids[pick];
        o.bid = d.prices[pick];
        o.price = o.bid;
        if (t.vickrey && d.eligible >= 2 && d.second > o.bid) o.price = d.second;
    }

    /// @dev Keys of the revealed bids (unsorted; the walk selects them in ascending order):
    ///      price << 160 | tiebreak << 5 | index, with tiebreak = keccak256(abi.encode(seed, index)) >> 101.
    function _walkKeys(bytes32[32] storage bids, bytes32 seed, uint256 count, uint32 mask)
        private
        view
        returns (uint256[] memory keys, uint256 n)
    {
        keys = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            if ((mask >> i) & 1 == 0) continue;
            uint256 price = uint256(bids[i]) & PRICE_MASK;
            uint256 tiebreak = uint256(keccak256(abi.encode(seed, i))) >> 101;
            keys[n] = (price << 160) | (tiebreak << 5) | i;
            unchecked {
                ++n;
            }
        }
    }

    /// @dev Moves the smallest of keys[k..n) to keys[k] and returns it (one step of a selection
    ///      sort: the walk usually stops after a few bids, so sorting all 32 would waste gas).
    function _selectMin(uint256[] memory keys, uint256 k, uint256 n) private pure returns (uint256 best) {
        best = keys[k];
        uint256 at = k;
        unchecked {
            // j < n ≤ 32
            for (uint256 j = k + 1; j < n; ++j) {
                uint256 x = keys[j];
                if (x < best) {
                    best = x;
                    at = j;
                }
            }
        }
        keys[at] = keys[k];
        keys[k] = best;
    }

    /// @dev Walks the sorted bids upward, evaluating each lazily, until the draw set is closed
    ///      (and, for Vickrey, a second eligible price is known). A revealed bid found ineligible
    ///      forfeits its bond from the bidder's bond balance (added to `d.forfeited`).
    function _walk(
        bytes32[32] storage bids,
        mapping(address => Bidder) storage bidders,
        Terms calldata t,
        uint256[] memory keys,
        uint256 n,
        Draw memory d
    ) private {
        d.bidders = new address[](t.maxCandidates);
        d.pids = new uint256[](t.maxCandidates);
        d.prices = new uint256[](t.maxCandidates);
        d.weights = new uint256[](t.maxCandidates);
        uint256 bandLimit;
        for (uint256 k = 0; k < n; ++k) {
            uint256 price = _selectMin(keys, k, n) >> 160;
            if (d.candidates != 0 && (price > bandLimit || d.candidates == t.maxCandidates)) {
                if (!t.vickrey || d.eligible >= 2) break;
            }
            uint256 index = keys[k] & 31;
            address bidder = address(uint160(uint256(bids[index]) >> 96));
            (uint256 pid, uint256 weight) = _evaluate(t, bidder, price);
            emit IProjectMarket.BidEvaluated(d.projectId, index, pid, price, weight != 0, weight);
            if (weight == 0) {
                _forfeit(d, bidders[bidder], bidder, index, t.bidBond);
                continue;
            }
            ++d.eligible;
            if (d.eligible == 2) d.second = price;
            if (d.candidates == 0) {
                bandLimit = price + price * t.bandBps / BPS;
            } else if (price > bandLimit || d.candidates == t.maxCandidates) {
                break; // the Vickrey second price was all this bid was needed for
            }
            uint256 c = d.candidates;
            d.bidders[c] = bidder;
            d.pids[c] = pid;
            d.prices[c] = price;
            d.weights[c] = weight;
            d.totalWeight += weight;
            d.candidates = c + 1;
        }
    }

    /// @dev Takes up to `bond` from the bidder's bond balance (it may have been spent on a later
    ///      commit) for the Insurance Pool (added to `d.forfeited`).
    function _forfeit(Draw memory d, Bidder storage b, address bidder, uint256 index, uint256 bond) private {
        uint256 bal = b.bond;
        uint256 taken = bond < bal ? bond : bal;
        d.forfeited += taken;
        unchecked {
            // taken ≤ bal < 2^128
            // forge-lint: disable-next-line(unsafe-typecast)
            b.bond = uint128(bal - taken);
        }
        emit IProjectMarket.BondForfeited(d.projectId, bidder, index, taken);
    }

    /// @dev Eligibility at settlement; returns weight = score at the draw block + 1 if eligible, else 0.
    function _evaluate(Terms calldata t, address bidder, uint256 price)
        private
        view
        returns (uint256 pid, uint256 weight)
    {
        IProviderRegistry registry = t.registry;
        pid = registry.providerIdOf(bidder);
        if (price > t.maxBid) return (pid, 0);
        if (pid == 0 || pid > type(uint48).max || !registry.isEligibleFor(pid, t.reserve)) return (pid, 0);
        uint256 score = t.reputation.scoreAt(pid, t.drawBlock);
        if (score < t.scoreThreshold) return (pid, 0);
        if (!registry.hasFreeCapacity(pid, t.resources)) return (pid, 0);
        if (price > registry.getProvider(pid).priceCap) return (pid, 0);
        weight = score + 1;
    }
}
