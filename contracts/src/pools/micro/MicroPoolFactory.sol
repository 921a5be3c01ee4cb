// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Governed} from "../../governance/Governed.sol";
import {IDepositContract} from "../../interfaces/IDepositContract.sol";
import {IInsurancePool} from "../../interfaces/IInsurancePool.sol";
import {IMicroPoolFactory} from "../../interfaces/IMicroPoolFactory.sol";
import {IProviderRegistry} from "../../interfaces/IProviderRegistry.sol";
import {IRewardPool} from "../../interfaces/IRewardPool.sol";
import {IPricingPolicy} from "../../interfaces/IPricingPolicy.sol";
import {IProjectMarket} from "../../interfaces/IProjectMarket.sol";
import {Resources} from "../../interfaces/ProtocolTypes.sol";
import {MicroPool} from "./MicroPool.sol";

/// @title MicroPoolFactory
/// @notice Opens micro-pools [3.2, 3.4.7]: EIP-1167 clones of one `MicroPool` implementation (deployed by
///         this factory's constructor), each with its own address and so its own withdrawal credentials.
///         Holds the governance-set parameters new pools copy (minimum stake, profit split), asks the
///         Insurance Pool for compensation on behalf of its pools, and migrates a pool to another provider
///         when governance AND the platform co-signer (EIP-712 signature) both authorize it.
contract MicroPoolFactory is IMicroPoolFactory, Governed, EIP712, ReentrancyGuardTransient {
    /// @notice EIP-712 type of a migration the co-signer authorizes.
    bytes32 public constant MIGRATION_TYPEHASH =
        keccak256("Migration(address pool,uint256 newProviderId,uint256 nonce,uint256 deadline)");
    /// @notice EIP-712 type by which the co-signer attests that `pubkey` is a threshold key whose shares the
    ///         platform's co-signers hold, registered for `pool` with this DepositData root.
    bytes32 public constant DEPOSIT_KEY_TYPEHASH =
        keccak256("DepositKey(address pool,bytes32 pubkeyHash,bytes32 depositDataRoot)");
    /// @notice EIP-712 type by which the co-signer attests that, with the deposit contract's root at
    ///         `depositRoot`, no deposit exists for the pool's key (checked on the deposit contract's logs and
    ///         the beacon chain). A deposit made after the check changes the root, so the pool's activation
    ///         then fails (the deposit-security check of Lido's deposit security module).
    bytes32 public constant ACTIVATION_TYPEHASH =
        keccak256("Activation(address pool,bytes32 pubkeyHash,bytes32 depositRoot)");
    /// @notice EIP-712 type by which the current co-signer consents to be replaced by `newCoSigner`.
    bytes32 public constant CO_SIGNER_CHANGE_TYPEHASH =
        keccak256("CoSignerChange(address newCoSigner,uint256 nonce,uint256 deadline)");
    /// @notice Delay before a co-signer change governance scheduled without the current co-signer's consent
    ///         takes effect: stakers of Open pools can withdraw meanwhile.
    uint256 public constant CO_SIGNER_CHANGE_DELAY = 30 days;
    /// @notice Basis-point denominator.
    uint256 public constant BPS = 10_000;
    /// @notice Smallest minimum stake governance may set (and the largest is 32 ETH).
    uint256 public constant MIN_STAKE_FLOOR = 0.001 ether;
    /// @notice The pricing policy's project type of an Ethereum validator.
    uint8 public constant VALIDATOR_TYPE = 0;

    /// @notice The ProviderRegistry: eligibility and k.
    IProviderRegistry public immutable providerRegistry;
    /// @notice The governance-set pricing policy: FP = quote(validatorResources, duration, VALIDATOR_TYPE).fp.
    IPricingPolicy public immutable pricingPolicy;
    /// @notice The Insurance Pool (this factory must be one of its authorized callers).
    IInsurancePool public immutable insurancePool;
    /// @notice The ProjectMarket whose validator projects (type 0) this factory opens pools for (this
    ///         factory must be one of its authorized callers).
    IProjectMarket public immutable market;
    /// @notice The MicroPool implementation every pool clones.
    address public immutable implementation;

    /// @notice Minimum stake of pools opened from now on (0.1 ETH by default).
    uint128 public minStake = 0.1 ether;
    /// @notice Insurance Pool share of ETH profit for pools opened from now on (10% by default).
    uint16 public insuranceBps = 1000;
    /// @notice Reward Pool share of ETH profit and MZKU fees for pools opened from now on (10% by default).
    uint16 public rewardBps = 1000;
    /// @notice Resources a validator node is priced for (governance-set; default 4 cores, 16 GB RAM,
    ///         2,000 GB storage, 25 Mbps).
    Resources public validatorResources = Resources(4, 16, 2000, 25);
    /// @notice The platform-side co-signer whose EIP-712 signature every migration, deposit key and
    ///         activation needs.
    address public coSigner;
    /// @notice A co-signer governance scheduled without the current one's consent (zero = none).
    address public pendingCoSigner;
    /// @notice When `pendingCoSigner` may be applied.
    uint256 public pendingCoSignerAt;
    /// @notice Consent nonce of the co-signer (a consent signature works once).
    uint256 public coSignerChangeNonce;
    /// @notice The pool that registered each validator key (keccak256 of the 48-byte pubkey): a key is
    ///         used by one pool only, ever.
    mapping(bytes32 pubkeyHash => address pool) public depositKeyPool;
    /// @notice Migration nonce of each pool (a signature is good for one migration).
    mapping(address pool => uint256) public migrationNonce;
    /// @inheritdoc IMicroPoolFactory
    mapping(address pool => bool) public isPool;
    address[] private _pools;

    /// @notice The caller has no provider id or its provider is not eligible.
    error MicroPoolFactoryProviderNotEligible(address caller, uint256 providerId);
    /// @notice The provider's ETH is below its k.
    error MicroPoolFactoryCollateralTooLow(uint256 providerId, uint256 have, uint256 need);
    /// @notice The provider's ETH is above 32 ETH.
    error MicroPoolFactoryCollateralTooHigh(uint256 have);
    /// @notice The end time is not in the future (or does not fit 40 bits).
    error MicroPoolFactoryBadEndTime(uint256 endTime);
    /// @notice The quoted FP does not fit 128 bits.
    error MicroPoolFactoryFeeTooHigh(uint256 fixedPrice);
    /// @notice The caller is not a pool of this factory.
    error MicroPoolFactoryNotPool(address caller);
    /// @notice A parameter is out of range.
    error MicroPoolFactoryBadParameter(uint256 value);
    /// @notice The co-signer's migration signature is invalid (or no co-signer is set).
    error MicroPoolFactoryBadCoSignature(address pool, address coSigner);
    /// @notice ETH came from someone other than the Insurance Pool.
    error MicroPoolFactoryUnexpectedEth(address sender);
    /// @notice Forwarding compensation to a pool failed.
    error MicroPoolFactoryEthTransferFailed(address to, uint256 amount);
    /// @notice The migration authorization expired.
    error MicroPoolFactoryExpired(uint256 deadline, uint256 now_);
    /// @notice Validator key `pubkeyHash` was registered by `pool` before.
    error MicroPoolFactoryDepositKeyUsed(bytes32 pubkeyHash, address pool);
    /// @notice The current co-signer's consent to the change is invalid.
    error MicroPoolFactoryBadConsent(address coSigner, address newCoSigner);
    /// @notice No co-signer change is scheduled, or it takes effect at `effectiveAt`.
    error MicroPoolFactoryCoSignerChangeNotDue(address pendingCoSigner, uint256 effectiveAt);

    /// @notice The winner of validator project `projectId` opened `pool` for it.
    event ValidatorPoolOpened(uint256 indexed projectId, address indexed pool);
    /// @notice A provider opened a pool.
    event PoolOpened(
        address indexed pool,
        uint256 indexed poolId,
        uint256 indexed providerId,
        address operator,
        uint256 endTime,
        uint256 fixedPrice,
        uint256 providerEth
    );
    /// @notice The resources a validator is priced for changed.
    event ValidatorResourcesSet(Resources resources);
    /// @notice The minimum stake for new pools changed.
    event MinStakeSet(uint256 minStake);
    /// @notice The profit split for new pools changed.
    event SplitSet(uint256 insuranceBps, uint256 rewardBps);
    /// @notice The platform co-signer changed.
    event CoSignerSet(address coSigner);
    /// @notice Governance scheduled `newCoSigner` (without the current co-signer's consent) for `effectiveAt`.
    event CoSignerChangeScheduled(address indexed newCoSigner, uint256 effectiveAt);
    /// @notice `pool` registered validator key `pubkeyHash` (it can never be used by another pool).
    event DepositKeyClaimed(bytes32 indexed pubkeyHash, address indexed pool);
    /// @notice The Insurance Pool paid `paid` of the `requested` compensation to `pool`.
    event CompensationRequested(address indexed pool, uint256 requested, uint256 paid);
    /// @notice A pool was migrated to another provider (governance + co-signer).
    event PoolMigrated(address indexed pool, uint256 indexed newProviderId, address newOperator, uint256 nonce);

    /// @param governance_ The Governance contract (only admin).
    /// @param authorizedCallers Protocol contracts allowed to call restricted functions (none needed; kept
    ///        for the common `Governed` constructor shape).
    /// @param providerRegistry_ The ProviderRegistry.
    /// @param mzku_ The MZKU token.
    /// @param depositContract_ The Ethereum deposit contract.
    /// @param rewardPool_ The Reward Pool.
    /// @param insurancePool_ The Insurance Pool.
    /// @param pricingPolicy_ The pricing policy (source of FP).
    /// @param coSigner_ The platform co-signer for migrations (governance may change it).
    /// @param market_ The ProjectMarket (validator projects).
    constructor(
        address governance_,
        address[] memory authorizedCallers,
        IProviderRegistry providerRegistry_,
        IERC20 mzku_,
        IDepositContract depositContract_,
        IRewardPool rewardPool_,
        IInsurancePool insurancePool_,
        IPricingPolicy pricingPolicy_,
        address coSigner_,
        IProjectMarket market_
    ) Governed(governance_, authorizedCallers) EIP712("MZKU MicroPoolFactory", "1") {
        if (
            address(providerRegistry_) == address(0) || address(mzku_) == address(0)
                || address(depositContract_) == address(0) || address(rewardPool_) == address(0)
                || address(insurancePool_) == address(0) || address(pricingPolicy_) == address(0)
                || address(market_) == address(0)
        ) revert GovernedZeroAddress();
        market = market_;
        providerRegistry = providerRegistry_;
        pricingPolicy = pricingPolicy_;
        insurancePool = insurancePool_;
        implementation = address(new MicroPool(governance_, mzku_, depositContract_, rewardPool_, insurancePool_));
        coSigner = coSigner_;
        emit CoSignerSet(coSigner_);
    }

    /// @notice A qualified provider opens a pool with its ETH (`msg.value` ≥ its k, ≤ 32 ETH) that runs until
    ///         `endTime`. FP is quoted now for the duration and fixed for the pool's life.
    /// @return pool The new pool (and aETH token) address.
    function openPool(uint40 endTime) external payable nonReentrant returns (address pool) {
        uint256 providerId = providerRegistry.providerIdOf(msg.sender);
        if (providerId == 0 || !providerRegistry.isEligible(providerId)) {
            revert MicroPoolFactoryProviderNotEligible(msg.sender, providerId);
        }
        uint256 k = providerRegistry.ethShareOf(providerId);
        if (msg.value < k) revert MicroPoolFactoryCollateralTooLow(providerId, msg.value, k);
        if (msg.value > 32 ether) revert MicroPoolFactoryCollateralTooHigh(msg.value);
        if (endTime <= block.timestamp) revert MicroPoolFactoryBadEndTime(endTime);
        (uint256 fixedPrice,) = pricingPolicy.quote(validatorResources, endTime - block.timestamp, VALIDATOR_TYPE);
        if (fixedPrice > type(uint128).max) revert MicroPoolFactoryFeeTooHigh(fixedPrice);

        pool = Clones.clone(implementation);
        isPool[pool] = true;
        _pools.push(pool);
        uint256 poolId = _pools.length;
        emit PoolOpened(pool, poolId, providerId, msg.sender, endTime, fixedPrice, msg.value);
        // casting to 'uint128' is safe because fixedPrice ≤ type(uint128).max was checked above
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 fp = uint128(fixedPrice);
        MicroPool(payable(pool)).initialize{value: msg.value}(
            poolId, providerId, msg.sender, endTime, fp, minStake, insuranceBps, rewardBps
        );
    }

    /// @notice The winner of validator project `projectId` (Assigned in the market) opens its pool with its
    ///         ETH (`msg.value` ≥ its k, ≤ 32 ETH) [3.2, 3.4.2]. The requester's 32 − k (or micro-investors)
    ///         fill it with plain stakes. The requester paid FP in the market, so the pool charges stakers
    ///         no MZKU fee (FP 0); it splits its ETH rewards at the project's fee rate (Insurance Pool and
    ///         Reward Pool each) and runs until the project's start deadline + duration. The market records
    ///         the pool: the project starts once the pool's deposit went out, and ends from what the pool
    ///         observed (`ProjectMarket.completeValidatorProject`).
    /// @return pool The new pool (and aETH token) address.
    function openValidatorPool(uint256 projectId) external payable nonReentrant returns (address pool) {
        if (msg.value > 32 ether) revert MicroPoolFactoryCollateralTooHigh(msg.value);
        pool = Clones.clone(implementation);
        (uint256 providerId, uint256 endTime, uint256 feeRateBps) =
            market.attachValidatorPool(projectId, msg.sender, pool);
        uint256 k = providerRegistry.ethShareOf(providerId);
        if (msg.value < k) revert MicroPoolFactoryCollateralTooLow(providerId, msg.value, k);
        isPool[pool] = true;
        _pools.push(pool);
        uint256 poolId = _pools.length;
        emit ValidatorPoolOpened(projectId, pool);
        emit PoolOpened(pool, poolId, providerId, msg.sender, endTime, 0, msg.value);
        // The market's terms fit: the start deadline is a uint40 plus a duration ≤ 5 years, and the
        // PricingPolicy bounds the fee rate at 50% (SafeCast would revert otherwise).
        uint16 fee = SafeCast.toUint16(feeRateBps);
        MicroPool(payable(pool)).initialize{value: msg.value}(
            poolId, providerId, msg.sender, SafeCast.toUint40(endTime), 0, minStake, fee, fee
        );
    }

    /// @inheritdoc IMicroPoolFactory
    /// @dev The Insurance Pool pushes ETH only to its caller (it credits other recipients for a later pull),
    ///      so the factory asks to be paid itself and forwards the ETH to the pool in the same call.
    function compensate(uint256 amount) external nonReentrant returns (uint256 paid) {
        if (!isPool[msg.sender]) revert MicroPoolFactoryNotPool(msg.sender);
        paid = insurancePool.compensateEth(address(this), amount);
        emit CompensationRequested(msg.sender, amount, paid);
        if (paid != 0) {
            (bool ok,) = payable(msg.sender).call{value: paid}("");
            if (!ok) revert MicroPoolFactoryEthTransferFailed(msg.sender, paid);
        }
    }

    /// @notice Takes compensation ETH from the Insurance Pool only (forwarded at once by `compensate`).
    receive() external payable {
        if (msg.sender != address(insurancePool)) revert MicroPoolFactoryUnexpectedEth(msg.sender);
    }

    /// @notice Governance moves `pool` to provider `newProviderId` (eligible), with the platform co-signer's
    ///         EIP-712 `Migration(pool, newProviderId, nonce, deadline)` signature: never one key alone.
    function migratePool(address pool, uint256 newProviderId, uint256 deadline, bytes calldata coSignature)
        external
        onlyGovernance
    {
        if (!isPool[pool]) revert MicroPoolFactoryNotPool(pool);
        if (block.timestamp > deadline) revert MicroPoolFactoryExpired(deadline, block.timestamp);
        if (!providerRegistry.isEligible(newProviderId)) {
            revert MicroPoolFactoryProviderNotEligible(address(0), newProviderId);
        }
        uint256 nonce = migrationNonce[pool];
        bytes32 digest =
            _hashTypedDataV4(keccak256(abi.encode(MIGRATION_TYPEHASH, pool, newProviderId, nonce, deadline)));
        address signer = coSigner;
        if (signer == address(0) || !SignatureChecker.isValidSignatureNow(signer, digest, coSignature)) {
            revert MicroPoolFactoryBadCoSignature(pool, signer);
        }
        migrationNonce[pool] = nonce + 1;
        address newOperator = providerRegistry.getProvider(newProviderId).owner;
        emit PoolMigrated(pool, newProviderId, newOperator, nonce);
        MicroPool(payable(pool)).migrateOperator(newProviderId, newOperator);
    }

    /// @inheritdoc IMicroPoolFactory
    function claimDepositKey(bytes32 pubkeyHash) external {
        if (!isPool[msg.sender]) revert MicroPoolFactoryNotPool(msg.sender);
        address owner = depositKeyPool[pubkeyHash];
        if (owner == msg.sender) return;
        if (owner != address(0)) revert MicroPoolFactoryDepositKeyUsed(pubkeyHash, owner);
        depositKeyPool[pubkeyHash] = msg.sender;
        emit DepositKeyClaimed(pubkeyHash, msg.sender);
    }

    /// @inheritdoc IMicroPoolFactory
    function isActivationApproved(address pool, bytes32 pubkeyHash, bytes32 depositRoot, bytes calldata coSignature)
        external
        view
        returns (bool)
    {
        address signer = coSigner;
        return signer != address(0)
            && SignatureChecker.isValidSignatureNow(
            signer, activationDigest(pool, pubkeyHash, depositRoot), coSignature
        );
    }

    /// @notice The EIP-712 digest the co-signer signs to approve a pool's activation at `depositRoot`.
    function activationDigest(address pool, bytes32 pubkeyHash, bytes32 depositRoot) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ACTIVATION_TYPEHASH, pool, pubkeyHash, depositRoot)));
    }

    /// @inheritdoc IMicroPoolFactory
    function isDepositKeyApproved(address pool, bytes32 pubkeyHash, bytes32 root, bytes calldata coSignature)
        external
        view
        returns (bool)
    {
        address signer = coSigner;
        return signer != address(0)
            && SignatureChecker.isValidSignatureNow(signer, depositKeyDigest(pool, pubkeyHash, root), coSignature);
    }

    /// @notice The EIP-712 digest the co-signer signs to approve a pool's deposit key.
    function depositKeyDigest(address pool, bytes32 pubkeyHash, bytes32 root) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(DEPOSIT_KEY_TYPEHASH, pool, pubkeyHash, root)));
    }

    /// @notice The EIP-712 digest the co-signer signs for a migration (for off-chain signers and tests).
    function migrationDigest(address pool, uint256 newProviderId, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(MIGRATION_TYPEHASH, pool, newProviderId, nonce, deadline)));
    }

    /// @notice Governance sets the minimum stake of pools opened from now on (0.001 to 32 ETH).
    function setMinStake(uint128 minStake_) external onlyGovernance {
        if (minStake_ < MIN_STAKE_FLOOR || minStake_ > 32 ether) revert MicroPoolFactoryBadParameter(minStake_);
        minStake = minStake_;
        emit MinStakeSet(minStake_);
    }

    /// @notice Governance sets the profit split of pools opened from now on (each ≤ 50%).
    function setSplit(uint16 insuranceBps_, uint16 rewardBps_) external onlyGovernance {
        if (insuranceBps_ > BPS / 2) revert MicroPoolFactoryBadParameter(insuranceBps_);
        if (rewardBps_ > BPS / 2) revert MicroPoolFactoryBadParameter(rewardBps_);
        insuranceBps = insuranceBps_;
        rewardBps = rewardBps_;
        emit SplitSet(insuranceBps_, rewardBps_);
    }

    /// @notice Governance sets the resources a validator node is priced for (pools opened from now on).
    function setValidatorResources(Resources calldata resources) external onlyGovernance {
        validatorResources = resources;
        emit ValidatorResourcesSet(resources);
    }

    /// @notice Governance replaces the platform co-signer at once, with the current co-signer's EIP-712
    ///         `CoSignerChange(newCoSigner, nonce, deadline)` consent (ERC-1271 co-signers work too). A
    ///         scheduled change is dropped.
    function setCoSigner(address newCoSigner, uint256 deadline, bytes calldata consent) external onlyGovernance {
        if (newCoSigner == address(0)) revert GovernedZeroAddress();
        if (block.timestamp > deadline) revert MicroPoolFactoryExpired(deadline, block.timestamp);
        address current = coSigner;
        uint256 nonce = coSignerChangeNonce;
        if (!SignatureChecker.isValidSignatureNow(current, coSignerChangeDigest(newCoSigner, nonce, deadline), consent))
        {
            revert MicroPoolFactoryBadConsent(current, newCoSigner);
        }
        coSignerChangeNonce = nonce + 1;
        _replaceCoSigner(newCoSigner);
    }

    /// @notice Governance schedules a new co-signer without the current one's consent (a lost or rogue
    ///         co-signer): it takes effect `CO_SIGNER_CHANGE_DELAY` later (`applyCoSigner`), so stakers can
    ///         leave Open pools before the new co-signer can approve a deposit key. Replaces an earlier
    ///         schedule.
    function scheduleCoSigner(address newCoSigner) external onlyGovernance {
        if (newCoSigner == address(0)) revert GovernedZeroAddress();
        uint256 at = block.timestamp + CO_SIGNER_CHANGE_DELAY;
        pendingCoSigner = newCoSigner;
        pendingCoSignerAt = at;
        emit CoSignerChangeScheduled(newCoSigner, at);
    }

    /// @notice Anyone: applies the scheduled co-signer once its delay has passed.
    function applyCoSigner() external {
        address next = pendingCoSigner;
        uint256 at = pendingCoSignerAt;
        if (next == address(0) || block.timestamp < at) revert MicroPoolFactoryCoSignerChangeNotDue(next, at);
        _replaceCoSigner(next);
    }

    /// @notice The EIP-712 digest the current co-signer signs to consent to its replacement.
    function coSignerChangeDigest(address newCoSigner, uint256 nonce, uint256 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CO_SIGNER_CHANGE_TYPEHASH, newCoSigner, nonce, deadline)));
    }

    function _replaceCoSigner(address newCoSigner) private {
        coSigner = newCoSigner;
        if (pendingCoSigner != address(0)) {
            pendingCoSigner = address(0);
            pendingCoSignerAt = 0;
        }
        emit CoSignerSet(newCoSigner);
    }

    /// @notice Number of pools ever opened.
    function poolCount() external view returns (uint256) {
        return _pools.length;
    }

    /// @notice Pools `offset` .. `offset + limit − 1` (fewer at the end).
    function getPools(uint256 offset, uint256 limit) external view returns (address[] memory page) {
        uint256 n = _pools.length;
        if (offset >= n) return new address[](0);
        uint256 end = offset + limit > n ? n : offset + limit;
        page = new address[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            page[i - offset] = _pools[i];
        }
    }
}
