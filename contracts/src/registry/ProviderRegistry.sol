// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {Governed} from "../governance/Governed.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IStakeObserver} from "../interfaces/IStakeObserver.sol";
import {Resources, TrustTier} from "../interfaces/ProtocolTypes.sol";

/// @title ProviderRegistry
/// @notice Providers [3.1.2, 3.2, 3.4.2-3.4.3]: anyone applies with a brand, a capacity and a price cap;
///         governance qualifies (by proposal) and sets the trust tier and ETH share k; the provider
///         locks MZKU collateral between `pMin` and `pMax`; the NodeRegistry books its nodes against
///         its capacity; authorized protocol contracts slash collateral; the score source disqualifies
///         it for a period when its score falls under the threshold. See docs/providers.md.
/// @dev Invariants an extension must keep: Σ(collateral + unbonding) over providers == MZKU held by
///      this contract; for every provider used ≤ capacity (component-wise) and activeNodes equals its
///      open nodes in the NodeRegistry. Storage is packed so that an application writes two new slots:
///      `_records[owner]` (id + capacity + price cap) and `_providers[id]` slot 0 (owner, tier, flags).
contract ProviderRegistry is IProviderRegistry, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    // ------------------------------------------------------------------ errors

    /// @notice `owner` already holds provider `providerId` (one provider per address, forever).
    error ProviderRegistryAlreadyApplied(address owner, uint256 providerId);
    /// @notice The brand name is empty.
    error ProviderRegistryEmptyBrandName();
    /// @notice A capacity component is zero.
    error ProviderRegistryZeroCapacity(uint32 cpuCores, uint32 ramGb, uint32 storageGb, uint32 bandwidthMbps);
    /// @notice The price cap does not fit the stored width (more than any MZKU supply).
    error ProviderRegistryPriceCapTooHigh(uint256 priceCap, uint256 max);
    /// @notice No provider has id `providerId`.
    error ProviderRegistryUnknownProvider(uint256 providerId);
    /// @notice `caller` holds no provider.
    error ProviderRegistryNotProvider(address caller);
    /// @notice `caller` is not the NodeRegistry.
    error ProviderRegistryNotNodeRegistry(address caller);
    /// @notice The provider is already qualified.
    error ProviderRegistryAlreadyQualified(uint256 providerId);
    /// @notice The provider is not qualified.
    error ProviderRegistryNotQualified(uint256 providerId);
    /// @notice The provider is not disqualified now.
    error ProviderRegistryNotDisqualified(uint256 providerId, uint64 disqualifiedUntil);
    /// @notice The provider may not open a node: not qualified, disqualified now, or collateral < pMin.
    error ProviderRegistryNotEligible(
        uint256 providerId, bool qualified, uint64 disqualifiedUntil, uint256 collateral, uint256 pMin
    );
    /// @notice One more node taking the given resources does not fit.
    error ProviderRegistryNoFreeCapacity(
        uint256 providerId, Resources requested, Resources used, Resources capacity, uint32 activeNodes, uint32 maxNodes
    );
    /// @notice onNodeClosed for more than the provider has open.
    error ProviderRegistryUsageUnderflow(uint256 providerId, Resources released, Resources used, uint32 activeNodes);
    /// @notice An amount of zero was given.
    error ProviderRegistryZeroAmount();
    /// @notice The deposit would take the collateral over pMax.
    error ProviderRegistryCollateralAboveMax(uint256 providerId, uint256 collateralAfter, uint256 pMax);
    /// @notice The withdrawal asks for more collateral than is locked.
    error ProviderRegistryInsufficientCollateral(uint256 providerId, uint256 have, uint256 need);
    /// @notice Collateral cannot leave while the provider has open nodes.
    error ProviderRegistryHasActiveNodes(uint256 providerId, uint32 activeNodes);
    /// @notice Nothing is unbonding.
    error ProviderRegistryNothingUnbonding(uint256 providerId);
    /// @notice The unbonding delay has not passed.
    error ProviderRegistryUnbondingNotReady(uint256 providerId, uint64 readyAt, uint256 now_);
    /// @notice pMin > pMax.
    error ProviderRegistryInvalidCollateralBounds(uint256 pMin, uint256 pMax);
    /// @notice An ETH share k above the 32-ETH validator size.
    error ProviderRegistryEthShareTooHigh(uint256 k, uint256 max);
    /// @notice A per-node requirement component is zero.
    error ProviderRegistryZeroNodeRequirement(uint32 cpuCores, uint32 ramGb, uint32 storageGb, uint32 bandwidthMbps);
    /// @notice A period above the allowed maximum.
    error ProviderRegistryPeriodTooLong(uint256 period, uint256 max);
    /// @notice A slash to the zero address.
    error ProviderRegistryZeroRecipient();
    /// @notice Only protocol contracts (authorized callers, not governance itself) reserve, release and slash.
    error ProviderRegistryNotProtocol(address caller);
    /// @notice The collateral not yet reserved does not cover the reservation.
    error ProviderRegistryInsufficientFreeCollateral(uint256 providerId, uint256 free, uint256 needed);
    /// @notice A release or slash above what is reserved.
    error ProviderRegistryAboveReserved(uint256 providerId, uint256 amount, uint256 reserved);
    /// @notice `reportCollateral` while no stake observer is set.
    error ProviderRegistryNoStakeObserver();
    /// @notice A score threshold above the highest score (`max` bps): it would disqualify every provider.
    error ProviderRegistryScoreThresholdTooHigh(uint256 threshold, uint256 max);

    // ------------------------------------------------------------------ events

    /// @notice `owner` applied as provider `providerId`. Brand name and metadata URI (services,
    ///         contact) live only here; the indexer reads them from the event.
    event ProviderApplied(
        uint256 indexed providerId,
        address indexed owner,
        string brandName,
        Resources capacity,
        uint128 priceCap,
        string metadataURI
    );
    /// @notice The provider changed its price cap.
    event PriceCapUpdated(uint256 indexed providerId, uint128 priceCap);
    /// @notice The provider published new brand name / metadata URI.
    event MetadataUpdated(uint256 indexed providerId, string brandName, string metadataURI);
    /// @notice Governance qualified the provider (it joined the qualified list).
    event ProviderQualified(uint256 indexed providerId);
    /// @notice Governance removed the provider from the qualified list.
    event ProviderUnqualified(uint256 indexed providerId);
    /// @notice Governance set the trust tier and per-provider k; `ethShare` is the resulting k.
    event TrustTierSet(uint256 indexed providerId, TrustTier tier, uint128 k, uint256 ethShare);
    /// @notice A score was reported for the provider.
    event ScoreReported(uint256 indexed providerId, uint256 score, uint256 threshold);
    /// @notice The provider is disqualified until `until` (it requalifies by itself then).
    event ProviderDisqualified(uint256 indexed providerId, uint64 until, uint256 score);
    /// @notice Governance ended the provider's disqualification early.
    event DisqualificationLifted(uint256 indexed providerId);
    /// @notice A node opened: its resources are booked.
    event CapacityBooked(uint256 indexed providerId, Resources resources, Resources used, uint32 activeNodes);
    /// @notice A node closed: its resources are freed.
    event CapacityReleased(uint256 indexed providerId, Resources resources, Resources used, uint32 activeNodes);
    /// @notice MZKU collateral was deposited.
    event CollateralDeposited(uint256 indexed providerId, address indexed from, uint256 amount, uint256 collateral);
    /// @notice Collateral moved into unbonding; withdrawable at `readyAt`.
    event WithdrawalRequested(uint256 indexed providerId, uint256 amount, uint256 unbonding, uint64 readyAt);
    /// @notice The unbonding amount went back to collateral.
    event WithdrawalCancelled(uint256 indexed providerId, uint256 amount, uint256 collateral);
    /// @notice Unbonded collateral was paid to the provider's owner.
    event CollateralWithdrawn(uint256 indexed providerId, address indexed to, uint256 amount);
    /// @notice A protocol contract slashed `amount` of the collateral it had reserved, to `to`.
    event CollateralSlashed(
        uint256 indexed providerId,
        address indexed by,
        address indexed to,
        uint256 amount,
        uint256 collateral,
        uint256 reserved
    );
    /// @notice A protocol contract reserved `amount` of the collateral (it cannot leave until released).
    event CollateralReserved(uint256 indexed providerId, address indexed by, uint256 amount, uint256 reserved);
    /// @notice A protocol contract released `amount` of its reservation.
    event CollateralReleased(uint256 indexed providerId, address indexed by, uint256 amount, uint256 reserved);
    /// @notice pMin / pMax changed.
    event CollateralBoundsSet(uint256 pMin, uint256 pMax);
    /// @notice The minimum k of untrusted providers changed.
    event UntrustedMinKSet(uint256 k);
    /// @notice The per-node resource requirement that derives max nodes changed.
    event NodeRequirementSet(Resources requirement);
    /// @notice The score threshold changed.
    event ScoreThresholdSet(uint256 threshold);
    /// @notice The disqualification period changed.
    event DisqualificationPeriodSet(uint64 period);
    /// @notice The unbonding delay changed.
    event UnbondingDelaySet(uint64 delay);
    /// @notice The stake observer changed (zero = none).
    event StakeObserverSet(address observer);

    // ------------------------------------------------------------------ constants

    /// @notice ETH of one validator; no k can exceed it.
    uint256 public constant VALIDATOR_ETH = 32 ether;
    /// @notice Longest unbonding delay or disqualification period governance may set.
    uint64 public constant MAX_PERIOD = 365 days;
    /// @notice The highest reputation score (bps): the score threshold is at most this.
    uint256 public constant MAX_SCORE = 10_000;

    // ------------------------------------------------------------------ storage

    /// @dev Keyed by owner: written once at application (one slot: 4 + 16 + 12 bytes).
    struct OwnerRecord {
        uint32 id;
        uint32 cpuCores;
        uint32 ramGb;
        uint32 storageGb;
        uint32 bandwidthMbps;
        uint96 priceCap;
    }

    /// @dev Keyed by id.
    struct ProviderState {
        // slot 0 (written at application)
        address owner;
        TrustTier tier;
        bool qualified;
        uint64 disqualifiedUntil;
        uint16 lowScoreMark; // 1 + the score that started the last disqualification, 0 = none since a good score
        // slot 1
        uint32 usedCpuCores;
        uint32 usedRamGb;
        uint32 usedStorageGb;
        uint32 usedBandwidthMbps;
        uint32 activeNodes;
        uint32 qualifiedIndex; // 1-based position in _qualifiedIds, 0 = not listed
        uint64 unbondingReadyAt;
        // slot 2
        uint128 collateral;
        uint128 k;
        // slot 3
        uint128 unbonding;
        uint128 reserved; // part of `collateral` held for running assignments; ≤ collateral
    }

    /// @notice The MZKU token.
    IERC20 public immutable mzku;
    /// @notice The NodeRegistry, the only caller of onNodeOpened/onNodeClosed.
    address public immutable nodeRegistry;

    mapping(address owner => OwnerRecord) private _records;
    mapping(uint256 providerId => ProviderState) private _providers;
    uint256 private _providerCount;
    uint256[] private _qualifiedIds;

    /// @notice Least collateral of an eligible provider (MZKU wei).
    uint256 public pMin = 10_000 ether;
    /// @notice Least ETH share k of an untrusted provider (wei).
    uint256 public untrustedMinK = 16 ether;
    /// @notice A score strictly under it disqualifies (same scale as the score source: 0-10,000).
    uint256 public scoreThreshold = 5000;
    /// @notice How long a disqualification lasts.
    uint64 public disqualificationPeriod = 30 days;
    /// @notice Delay between a withdrawal request and the withdrawal.
    uint64 public unbondingDelay = 14 days;
    /// @notice Told of every collateral change (zero = none).
    IStakeObserver public stakeObserver;
    /// @dev pMax (see `pMax()`), beside the observer: a deposit reads both from one slot.
    uint96 private _pMax = 1_000_000 ether;
    Resources private _nodeRequirement = Resources({cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 25});

    // ------------------------------------------------------------------ constructor

    /// @param governance_ The Governance contract.
    /// @param authorizedCallers Protocol contracts allowed to slash and report scores (market, pools, reputation).
    /// @param mzku_ The MZKU token.
    /// @param nodeRegistry_ The NodeRegistry (precomputed address; it references this contract too).
    constructor(address governance_, address[] memory authorizedCallers, IERC20 mzku_, address nodeRegistry_)
        Governed(governance_, authorizedCallers)
    {
        if (address(mzku_) == address(0) || nodeRegistry_ == address(0)) revert GovernedZeroAddress();
        mzku = mzku_;
        nodeRegistry = nodeRegistry_;
    }

    // ------------------------------------------------------------------ provider actions

    /// @notice Applies as a provider; the caller becomes its owner. Qualification is up to governance.
    /// @param brandName Public name (event only).
    /// @param capacity Resources offered; every component must be positive.
    /// @param priceCap The most this provider asks for a project, MZKU wei (< 2^96).
    /// @param metadataURI Services, contact, terms (event only).
    /// @return providerId The new id (ids start at 1).
    function applyAsProvider(
        string calldata brandName,
        Resources calldata capacity,
        uint128 priceCap,
        string calldata metadataURI
    ) external returns (uint256 providerId) {
        OwnerRecord storage rec = _records[msg.sender];
        if (rec.id != 0) revert ProviderRegistryAlreadyApplied(msg.sender, rec.id);
        if (bytes(brandName).length == 0) revert ProviderRegistryEmptyBrandName();
        if (capacity.cpuCores == 0 || capacity.ramGb == 0 || capacity.storageGb == 0 || capacity.bandwidthMbps == 0) {
            revert ProviderRegistryZeroCapacity(
                capacity.cpuCores, capacity.ramGb, capacity.storageGb, capacity.bandwidthMbps
            );
        }
        if (priceCap > type(uint96).max) revert ProviderRegistryPriceCapTooHigh(priceCap, type(uint96).max);
        // forge-lint: disable-next-line(unsafe-typecast)
        uint96 cap = uint96(priceCap); // checked just above

        providerId = _providerCount + 1;
        _providerCount = providerId;
        _records[msg.sender] = OwnerRecord({
            id: SafeCast.toUint32(providerId),
            cpuCores: capacity.cpuCores,
            ramGb: capacity.ramGb,
            storageGb: capacity.storageGb,
            bandwidthMbps: capacity.bandwidthMbps,
            priceCap: cap
        });
        _providers[providerId].owner = msg.sender;
        emit ProviderApplied(providerId, msg.sender, brandName, capacity, priceCap, metadataURI);
    }

    /// @notice Changes the caller's price cap.
    function updatePriceCap(uint128 priceCap) external {
        OwnerRecord storage rec = _recordOf(msg.sender);
        if (priceCap > type(uint96).max) revert ProviderRegistryPriceCapTooHigh(priceCap, type(uint96).max);
        // forge-lint: disable-next-line(unsafe-typecast)
        rec.priceCap = uint96(priceCap); // checked just above
        emit PriceCapUpdated(rec.id, priceCap);
    }

    /// @notice Publishes a new brand name and metadata URI (event only).
    function updateMetadata(string calldata brandName, string calldata metadataURI) external {
        OwnerRecord storage rec = _recordOf(msg.sender);
        if (bytes(brandName).length == 0) revert ProviderRegistryEmptyBrandName();
        emit MetadataUpdated(rec.id, brandName, metadataURI);
    }

    /// @notice Locks `amount` MZKU (approved beforehand) as the caller's collateral.
    function depositCollateral(uint256 amount) external nonReentrant {
        _deposit(amount);
    }

    /// @notice Like depositCollateral, with an EIP-2612 permit instead of a prior approval. A permit that
    ///         fails (for example front-run) is ignored if the allowance is already there.
    function depositCollateralWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        try IERC20Permit(address(mzku)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _deposit(amount);
    }

    /// @notice Moves `amount` of the caller's free (not reserved) collateral into unbonding; it becomes
    ///         withdrawable `unbondingDelay` after this call (a new request restarts the delay).
    ///         Only with no open node.
    function requestWithdrawal(uint256 amount) external nonReentrant {
        uint256 id = _recordOf(msg.sender).id;
        ProviderState storage p = _providers[id];
        if (amount == 0) revert ProviderRegistryZeroAmount();
        if (p.activeNodes != 0) revert ProviderRegistryHasActiveNodes(id, p.activeNodes);
        uint256 old = p.collateral;
        uint256 free = old - p.reserved;
        if (amount > free) revert ProviderRegistryInsufficientCollateral(id, free, amount);
        uint64 readyAt = uint64(block.timestamp) + unbondingDelay;
        // Casts: amount <= collateral (checked above), which is a uint128; the sum is checked.
        // forge-lint: disable-next-line(unsafe-typecast)
        p.collateral = uint128(old - amount);
        // forge-lint: disable-next-line(unsafe-typecast)
        p.unbonding += uint128(amount);
        p.unbondingReadyAt = readyAt;
        emit WithdrawalRequested(id, amount, p.unbonding, readyAt);
        _notify(p.owner, old, old - amount);
    }

    /// @notice Returns the whole unbonding amount to collateral.
    function cancelWithdrawal() external nonReentrant {
        uint256 id = _recordOf(msg.sender).id;
        ProviderState storage p = _providers[id];
        uint256 amount = p.unbonding;
        if (amount == 0) revert ProviderRegistryNothingUnbonding(id);
        uint256 old = p.collateral;
        // No pMax check: the amount was collateral before the request; it is not new money.
        p.unbonding = 0;
        p.unbondingReadyAt = 0;
        p.collateral = SafeCast.toUint128(old + amount);
        emit WithdrawalCancelled(id, amount, old + amount);
        _notify(p.owner, old, old + amount);
    }

    /// @notice Pays the caller its unbonded collateral once the delay passed, with no open node.
    function withdrawCollateral() external nonReentrant returns (uint256 amount) {
        uint256 id = _recordOf(msg.sender).id;
        ProviderState storage p = _providers[id];
        amount = p.unbonding;
        if (amount == 0) revert ProviderRegistryNothingUnbonding(id);
        if (block.timestamp < p.unbondingReadyAt) {
            revert ProviderRegistryUnbondingNotReady(id, p.unbondingReadyAt, block.timestamp);
        }
        if (p.activeNodes != 0) revert ProviderRegistryHasActiveNodes(id, p.activeNodes);
        p.unbonding = 0;
        p.unbondingReadyAt = 0;
        emit CollateralWithdrawn(id, msg.sender, amount);
        mzku.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ governance

    /// @notice Adds the provider to the qualified list (by governance proposal).
    function qualify(uint256 providerId) external onlyGovernance {
        ProviderState storage p = _stateOf(providerId);
        if (p.qualified) revert ProviderRegistryAlreadyQualified(providerId);
        p.qualified = true;
        _qualifiedIds.push(providerId);
        // Cast: the list holds at most one entry per provider, and ids fit uint32.
        // forge-lint: disable-next-line(unsafe-typecast)
        p.qualifiedIndex = uint32(_qualifiedIds.length);
        emit ProviderQualified(providerId);
    }

    /// @notice Removes the provider from the qualified list; its open nodes keep running.
    function unqualify(uint256 providerId) external onlyGovernance {
        ProviderState storage p = _stateOf(providerId);
        if (!p.qualified) revert ProviderRegistryNotQualified(providerId);
        uint256 index = p.qualifiedIndex - 1;
        uint256 lastIndex = _qualifiedIds.length - 1;
        if (index != lastIndex) {
            uint256 lastId = _qualifiedIds[lastIndex];
            _qualifiedIds[index] = lastId;
            // forge-lint: disable-next-line(unsafe-typecast)
            _providers[lastId].qualifiedIndex = uint32(index + 1);
        }
        _qualifiedIds.pop();
        p.qualified = false;
        p.qualifiedIndex = 0;
        emit ProviderUnqualified(providerId);
    }

    /// @notice Sets the trust tier and the per-provider k (used by semi-trusted; a floor for untrusted,
    ///         which never goes below untrustedMinK; ignored for trusted, whose k is 0).
    function setTrustTier(uint256 providerId, TrustTier tier, uint128 k) external onlyGovernance {
        ProviderState storage p = _stateOf(providerId);
        if (k > VALIDATOR_ETH) revert ProviderRegistryEthShareTooHigh(k, VALIDATOR_ETH);
        p.tier = tier;
        p.k = k;
        emit TrustTierSet(providerId, tier, k, _ethShare(p));
    }

    /// @notice Ends a disqualification before its period ends (a dispute won, a wrong score).
    function liftDisqualification(uint256 providerId) external onlyGovernance {
        ProviderState storage p = _stateOf(providerId);
        if (p.disqualifiedUntil <= block.timestamp) {
            revert ProviderRegistryNotDisqualified(providerId, p.disqualifiedUntil);
        }
        p.disqualifiedUntil = 0;
        emit DisqualificationLifted(providerId);
    }

    /// @notice Sets pMin and pMax. Existing collateral above a lowered pMax stays; providers under a
    ///         raised pMin are not eligible until they top up.
    function setCollateralBounds(uint256 pMin_, uint256 pMax_) external onlyGovernance {
        if (pMin_ > pMax_ || pMax_ > type(uint96).max) revert ProviderRegistryInvalidCollateralBounds(pMin_, pMax_);
        pMin = pMin_;
        // Cast: pMax_ <= type(uint96).max (checked above).
        // forge-lint: disable-next-line(unsafe-typecast)
        _pMax = uint96(pMax_);
        emit CollateralBoundsSet(pMin_, pMax_);
    }

    /// @notice Sets the least k of untrusted providers.
    function setUntrustedMinK(uint256 k) external onlyGovernance {
        if (k > VALIDATOR_ETH) revert ProviderRegistryEthShareTooHigh(k, VALIDATOR_ETH);
        untrustedMinK = k;
        emit UntrustedMinKSet(k);
    }

    /// @notice Sets the resources one node needs; max nodes = min over components of capacity / requirement.
    function setNodeRequirement(Resources calldata requirement) external onlyGovernance {
        if (
            requirement.cpuCores == 0 || requirement.ramGb == 0 || requirement.storageGb == 0
                || requirement.bandwidthMbps == 0
        ) {
            revert ProviderRegistryZeroNodeRequirement(
                requirement.cpuCores, requirement.ramGb, requirement.storageGb, requirement.bandwidthMbps
            );
        }
        _nodeRequirement = requirement;
        emit NodeRequirementSet(requirement);
    }

    /// @notice Sets the score under which a provider is disqualified (at most MAX_SCORE: a higher one
    ///         would disqualify every provider at its next score report).
    function setScoreThreshold(uint256 threshold) external onlyGovernance {
        if (threshold > MAX_SCORE) revert ProviderRegistryScoreThresholdTooHigh(threshold, MAX_SCORE);
        scoreThreshold = threshold;
        emit ScoreThresholdSet(threshold);
    }

    /// @notice Sets how long a disqualification lasts (at most MAX_PERIOD).
    function setDisqualificationPeriod(uint64 period) external onlyGovernance {
        if (period > MAX_PERIOD) revert ProviderRegistryPeriodTooLong(period, MAX_PERIOD);
        disqualificationPeriod = period;
        emit DisqualificationPeriodSet(period);
    }

    /// @notice Sets the unbonding delay (at most MAX_PERIOD); applies to requests made afterwards.
    function setUnbondingDelay(uint64 delay) external onlyGovernance {
        if (delay > MAX_PERIOD) revert ProviderRegistryPeriodTooLong(delay, MAX_PERIOD);
        unbondingDelay = delay;
        emit UnbondingDelaySet(delay);
    }

    /// @notice Sets the contract told of collateral changes (zero = none). Collateral locked before is
    ///         not replayed here (a loop over providers anyone can register would be unbounded): the
    ///         observer learns it at the provider's next change, or from `reportCollateral`.
    function setStakeObserver(IStakeObserver observer) external onlyGovernance {
        stakeObserver = observer;
        emit StakeObserverSet(address(observer));
    }

    /// @notice Tells the stake observer `providerId`'s bonded collateral as it is now (old = new). Anyone
    ///         may call it. The observer keeps its own record of each position, so for collateral
    ///         locked before it was set this opens the position at the current collateral (from now
    ///         on it earns); for a position it knows it is a mere checkpoint.
    function reportCollateral(uint256 providerId) external nonReentrant {
        ProviderState storage p = _stateOf(providerId);
        if (address(stakeObserver) == address(0)) revert ProviderRegistryNoStakeObserver();
        uint256 collateral = p.collateral;
        _notify(p.owner, collateral, collateral);
    }

    // ------------------------------------------------------------------ protocol contracts

    /// @inheritdoc IProviderRegistry
    /// @dev NodeRegistry only. Reverts unless the provider is eligible and the node fits.
    function onNodeOpened(uint256 providerId, Resources calldata resources) external {
        if (msg.sender != nodeRegistry) revert ProviderRegistryNotNodeRegistry(msg.sender);
        ProviderState storage p = _stateOf(providerId);
        if (!_isEligible(p)) {
            revert ProviderRegistryNotEligible(providerId, p.qualified, p.disqualifiedUntil, p.collateral, pMin);
        }
        OwnerRecord storage rec = _records[p.owner];
        if (!_fits(p, rec, resources)) {
            revert ProviderRegistryNoFreeCapacity(
                providerId, resources, _used(p), _capacity(rec), p.activeNodes, _maxNodes(rec)
            );
        }
        // unchecked: _fits proved used + resources <= capacity (uint32) and activeNodes < maxNodes (uint32).
        unchecked {
            p.usedCpuCores += resources.cpuCores;
            p.usedRamGb += resources.ramGb;
            p.usedStorageGb += resources.storageGb;
            p.usedBandwidthMbps += resources.bandwidthMbps;
            ++p.activeNodes;
        }
        emit CapacityBooked(providerId, resources, _used(p), p.activeNodes);
    }

    /// @inheritdoc IProviderRegistry
    /// @dev NodeRegistry only.
    function onNodeClosed(uint256 providerId, Resources calldata resources) external {
        if (msg.sender != nodeRegistry) revert ProviderRegistryNotNodeRegistry(msg.sender);
        ProviderState storage p = _stateOf(providerId);
        if (
            p.activeNodes == 0 || p.usedCpuCores < resources.cpuCores || p.usedRamGb < resources.ramGb
                || p.usedStorageGb < resources.storageGb || p.usedBandwidthMbps < resources.bandwidthMbps
        ) revert ProviderRegistryUsageUnderflow(providerId, resources, _used(p), p.activeNodes);
        // unchecked: each component was checked above.
        unchecked {
            p.usedCpuCores -= resources.cpuCores;
            p.usedRamGb -= resources.ramGb;
            p.usedStorageGb -= resources.storageGb;
            p.usedBandwidthMbps -= resources.bandwidthMbps;
            --p.activeNodes;
        }
        emit CapacityReleased(providerId, resources, _used(p), p.activeNodes);
    }

    /// @inheritdoc IProviderRegistry
    /// @dev Protocol contracts only (authorized callers; governance itself cannot reserve).
    function reserveCollateral(uint256 providerId, uint256 amount) external onlyProtocol {
        ProviderState storage p = _stateOf(providerId);
        uint256 reserved = p.reserved;
        uint256 free = p.collateral - reserved;
        if (amount > free) revert ProviderRegistryInsufficientFreeCollateral(providerId, free, amount);
        // unchecked: reserved + amount ≤ collateral, a uint128.
        unchecked {
            reserved += amount;
        }
        // forge-lint: disable-next-line(unsafe-typecast)
        p.reserved = uint128(reserved);
        emit CollateralReserved(providerId, msg.sender, amount, reserved);
    }

    /// @inheritdoc IProviderRegistry
    /// @dev Protocol contracts only.
    function releaseCollateral(uint256 providerId, uint256 amount) external onlyProtocol {
        ProviderState storage p = _stateOf(providerId);
        uint256 reserved = p.reserved;
        if (amount > reserved) revert ProviderRegistryAboveReserved(providerId, amount, reserved);
        // unchecked: amount ≤ reserved.
        unchecked {
            reserved -= amount;
        }
        // forge-lint: disable-next-line(unsafe-typecast)
        p.reserved = uint128(reserved);
        emit CollateralReleased(providerId, msg.sender, amount, reserved);
    }

    /// @inheritdoc IProviderRegistry
    /// @dev Protocol contracts only, and only out of what is reserved: a slash is always the penalty of
    ///      an assignment the provider accepted, bounded by the reservation made for it. Governance
    ///      cannot slash directly.
    function slashCollateral(uint256 providerId, uint256 amount, address to)
        external
        onlyProtocol
        nonReentrant
        returns (uint256 slashed)
    {
        if (to == address(0)) revert ProviderRegistryZeroRecipient();
        ProviderState storage p = _stateOf(providerId);
        uint256 reserved = p.reserved;
        if (amount > reserved) revert ProviderRegistryAboveReserved(providerId, amount, reserved);
        uint256 old = p.collateral;
        slashed = amount;
        // unchecked: amount ≤ reserved ≤ collateral, both uint128.
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            p.collateral = uint128(old - amount);
            // forge-lint: disable-next-line(unsafe-typecast)
            p.reserved = uint128(reserved - amount);
        }
        emit CollateralSlashed(providerId, msg.sender, to, amount, old - amount, reserved - amount);
        if (amount != 0) {
            _notify(p.owner, old, old - amount);
            mzku.safeTransfer(to, amount);
        }
    }

    /// @inheritdoc IProviderRegistry
    /// @dev Authorized score source (Reputation) and governance. A score under the threshold
    ///      disqualifies for `disqualificationPeriod` from now, unless the provider is disqualified
    ///      already (a report never extends a running disqualification) or has served one for a score
    ///      at least as low since its last score at or above the threshold (the same low score is not
    ///      punished twice; a lower one is). Requalification is automatic when the period ends.
    function reportScore(uint256 providerId, uint256 score) external onlyAuthorized {
        ProviderState storage p = _stateOf(providerId);
        uint256 threshold = scoreThreshold;
        emit ScoreReported(providerId, score, threshold);
        uint256 mark = p.lowScoreMark;
        if (score >= threshold) {
            if (mark != 0) p.lowScoreMark = 0;
            return;
        }
        if (p.disqualifiedUntil > block.timestamp) return;
        if (mark != 0 && score + 1 >= mark) return;
        uint64 until = uint64(block.timestamp) + disqualificationPeriod;
        p.disqualifiedUntil = until;
        // forge-lint: disable-next-line(unsafe-typecast) -- score < threshold, and below 65,535 after the min
        p.lowScoreMark = uint16(score < type(uint16).max - 1 ? score + 1 : type(uint16).max);
        emit ProviderDisqualified(providerId, until, score);
    }

    // ------------------------------------------------------------------ views

    /// @notice Most collateral a provider may lock (MZKU wei); above pMin is investment.
    function pMax() external view returns (uint256) {
        return _pMax;
    }

    /// @inheritdoc IProviderRegistry
    function providerIdOf(address owner) external view returns (uint256) {
        return _records[owner].id;
    }

    /// @inheritdoc IProviderRegistry
    function getProvider(uint256 providerId) public view returns (Provider memory) {
        ProviderState storage p = _stateOf(providerId);
        OwnerRecord storage rec = _records[p.owner];
        return Provider({
            owner: p.owner,
            tier: p.tier,
            qualified: p.qualified,
            disqualifiedUntil: p.disqualifiedUntil,
            activeNodes: p.activeNodes,
            maxNodes: _maxNodes(rec),
            priceCap: rec.priceCap,
            collateral: p.collateral,
            // forge-lint: disable-next-line(unsafe-typecast)
            ethShare: uint128(_ethShare(p)),
            capacity: _capacity(rec),
            used: _used(p)
        });
    }

    /// @notice Providers with ids offset+1 .. offset+limit (fewer at the end).
    function getProviders(uint256 offset, uint256 limit) external view returns (Provider[] memory providers) {
        uint256 count = _providerCount;
        uint256 n = offset >= count ? 0 : _min(limit, count - offset);
        providers = new Provider[](n);
        for (uint256 i = 0; i < n; ++i) {
            providers[i] = getProvider(offset + i + 1);
        }
    }

    /// @inheritdoc IProviderRegistry
    function qualifiedProviders(uint256 offset, uint256 limit) external view returns (uint256[] memory ids) {
        uint256 count = _qualifiedIds.length;
        uint256 n = offset >= count ? 0 : _min(limit, count - offset);
        ids = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            ids[i] = _qualifiedIds[offset + i];
        }
    }

    /// @inheritdoc IProviderRegistry
    function qualifiedCount() external view returns (uint256) {
        return _qualifiedIds.length;
    }

    /// @inheritdoc IProviderRegistry
    function isEligible(uint256 providerId) external view returns (bool) {
        return _isEligible(_stateOf(providerId));
    }

    /// @inheritdoc IProviderRegistry
    function isEligibleFor(uint256 providerId, uint256 reserve) external view returns (bool) {
        ProviderState storage p = _stateOf(providerId);
        return _isEligible(p) && p.collateral - p.reserved >= reserve;
    }

    /// @inheritdoc IProviderRegistry
    function isQualifiedNow(uint256 providerId) external view returns (bool) {
        ProviderState storage p = _providers[providerId];
        return p.qualified && p.disqualifiedUntil <= block.timestamp;
    }

    /// @inheritdoc IProviderRegistry
    function reservedOf(uint256 providerId) external view returns (uint256) {
        return _stateOf(providerId).reserved;
    }

    /// @notice Whether the provider is disqualified now.
    function isDisqualified(uint256 providerId) external view returns (bool) {
        return _stateOf(providerId).disqualifiedUntil > block.timestamp;
    }

    /// @inheritdoc IProviderRegistry
    function ethShareOf(uint256 providerId) external view returns (uint256) {
        return _ethShare(_stateOf(providerId));
    }

    /// @inheritdoc IProviderRegistry
    function hasFreeCapacity(uint256 providerId, Resources calldata resources) external view returns (bool) {
        ProviderState storage p = _stateOf(providerId);
        return _fits(p, _records[p.owner], resources);
    }

    /// @notice Max nodes of the provider: min over the four components of capacity / nodeRequirement.
    function maxNodesOf(uint256 providerId) external view returns (uint32) {
        return _maxNodes(_records[_stateOf(providerId).owner]);
    }

    /// @notice Collateral above pMin: the investment part that earns dividends [3.4.3].
    function investmentOf(uint256 providerId) external view returns (uint256) {
        uint256 c = _stateOf(providerId).collateral;
        uint256 min = pMin;
        return c > min ? c - min : 0;
    }

    /// @notice Collateral waiting in unbonding and when it can be withdrawn.
    function unbondingOf(uint256 providerId) external view returns (uint256 amount, uint64 readyAt) {
        ProviderState storage p = _stateOf(providerId);
        return (p.unbonding, p.unbondingReadyAt);
    }

    /// @notice The resources one node needs (derives max nodes).
    function nodeRequirement() external view returns (Resources memory) {
        return _nodeRequirement;
    }

    /// @inheritdoc IProviderRegistry
    function providerCount() external view returns (uint256) {
        return _providerCount;
    }

    // ------------------------------------------------------------------ internals

    function _deposit(uint256 amount) private {
        uint256 id = _recordOf(msg.sender).id;
        ProviderState storage p = _providers[id];
        if (amount == 0) revert ProviderRegistryZeroAmount();
        uint256 old = p.collateral;
        uint256 next = old + amount;
        uint256 max = _pMax;
        if (next > max) revert ProviderRegistryCollateralAboveMax(id, next, max);
        // Cast: next <= pMax <= type(uint96).max (setCollateralBounds).
        // forge-lint: disable-next-line(unsafe-typecast)
        p.collateral = uint128(next);
        emit CollateralDeposited(id, msg.sender, amount, next);
        _notify(msg.sender, old, next);
        mzku.safeTransferFrom(msg.sender, address(this), amount);
    }

    modifier onlyProtocol() {
        if (msg.sender == governance || !isAuthorizedCaller(msg.sender)) {
            revert ProviderRegistryNotProtocol(msg.sender);
        }
        _;
    }

    function _notify(address owner, uint256 oldAmount, uint256 newAmount) private {
        IStakeObserver observer = stakeObserver;
        if (address(observer) != address(0)) {
            observer.onStakeChanged(IStakeObserver.StakeClass.Provider, owner, address(0), oldAmount, newAmount);
        }
    }

    function _recordOf(address owner) private view returns (OwnerRecord storage rec) {
        rec = _records[owner];
        if (rec.id == 0) revert ProviderRegistryNotProvider(owner);
    }

    function _stateOf(uint256 providerId) private view returns (ProviderState storage p) {
        p = _providers[providerId];
        if (p.owner == address(0)) revert ProviderRegistryUnknownProvider(providerId);
    }

    function _isEligible(ProviderState storage p) private view returns (bool) {
        return p.qualified && p.disqualifiedUntil <= block.timestamp && p.collateral >= pMin;
    }

    function _ethShare(ProviderState storage p) private view returns (uint256) {
        TrustTier tier = p.tier;
        if (tier == TrustTier.Trusted) return 0;
        uint256 k = p.k;
        if (tier == TrustTier.SemiTrusted) return k;
        uint256 floor = untrustedMinK;
        return k > floor ? k : floor;
    }

    function _fits(ProviderState storage p, OwnerRecord storage rec, Resources calldata r) private view returns (bool) {
        return uint256(p.activeNodes) < _maxNodes(rec) && uint256(p.usedCpuCores) + r.cpuCores <= rec.cpuCores
            && uint256(p.usedRamGb) + r.ramGb <= rec.ramGb && uint256(p.usedStorageGb) + r.storageGb <= rec.storageGb
            && uint256(p.usedBandwidthMbps) + r.bandwidthMbps <= rec.bandwidthMbps;
    }

    function _maxNodes(OwnerRecord storage rec) private view returns (uint32 n) {
        Resources memory req = _nodeRequirement;
        n = rec.cpuCores / req.cpuCores;
        uint32 m = rec.ramGb / req.ramGb;
        if (m < n) n = m;
        m = rec.storageGb / req.storageGb;
        if (m < n) n = m;
        m = rec.bandwidthMbps / req.bandwidthMbps;
        if (m < n) n = m;
    }

    function _capacity(OwnerRecord storage rec) private view returns (Resources memory) {
        return Resources(rec.cpuCores, rec.ramGb, rec.storageGb, rec.bandwidthMbps);
    }

    function _used(ProviderState storage p) private view returns (Resources memory) {
        return Resources(p.usedCpuCores, p.usedRamGb, p.usedStorageGb, p.usedBandwidthMbps);
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
