// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDepositContract} from "../../interfaces/IDepositContract.sol";
import {IInsurancePool} from "../../interfaces/IInsurancePool.sol";
import {IMicroPoolFactory} from "../../interfaces/IMicroPoolFactory.sol";
import {IRewardPool} from "../../interfaces/IRewardPool.sol";
import {IValidatorPool} from "../../interfaces/IValidatorPool.sol";
import {DepositDataRoot} from "../../deposit/DepositDataRoot.sol";

/// @title MicroPool
/// @notice One 32-ETH validator shared by a provider (its collateral k) and micro-investors [3.2, 3.4.7,
///         3.7]. Each pool is an EIP-1167 clone made by `MicroPoolFactory`, so it has its own address: the
///         validator's withdrawal credentials are `0x01 ‖ 11 zero bytes ‖ this pool`. The pool is also its
///         own ERC-20 "aETH": stakers receive aETH 1:1 for the ETH they stake, aETH is transferable and earns
///         wherever it sits (reward-per-share accumulator with a per-account correction, packed with the
///         balance in one slot, so a transfer writes no more slots than a plain ERC-20), and it is burned for
///         the holder's ETH at completion.
///         Lifecycle: Open (stakes, withdrawals, deposit data) → Active (validator deposited; rewards
///         distributed 10% Insurance Pool / 10% Reward Pool / 80% aETH holders and the provider pro rata)
///         → Completed (final balance split, losses absorbed by k then by the Insurance Pool, aETH redeemed).
///         An Open pool can instead be Cancelled (everyone takes back ETH and MZKU fees).
contract MicroPool is IERC20Metadata, IValidatorPool, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Lifecycle of a pool.
    enum State {
        Uninitialized, // the implementation, or a clone before `initialize`
        Open, // taking stakes; stakers may withdraw
        Active, // validator deposited; rewards flow; no withdrawals
        Completed, // final balance settled; aETH redeemable
        Cancelled // never started; everyone withdraws
    }

    /// @notice A packed aETH account: balance and reward correction in one slot.
    struct Account {
        uint96 balance;
        // Σ −(rewardPerShare × amount) over every aETH received, + over every aETH sent/burned, − SHARE_UNIT ×
        // every wei claimed; claimable = (rewardPerShare × balance + correction) / SHARE_UNIT.
        // Keeping claims inside the correction means a claim writes only this (already non-zero) slot.
        int160 correction;
    }

    /// @notice ETH of one validator.
    uint256 public constant VALIDATOR_ETH = 32 ether;
    /// @notice Basis-point denominator.
    uint256 public constant BPS = 10_000;
    /// @notice `rewardPerShare` is wei of reward per SHARE_UNIT wei of stake (1 ETH).
    uint256 public constant SHARE_UNIT = 1 ether;
    /// @notice An undistributed balance at least this large looks like the validator's exit (principal),
    ///         not a reward skim: `distribute` refuses it and the pool must be completed instead.
    uint256 public constant EXIT_THRESHOLD = 8 ether;
    /// @notice Most ETH `distribute` takes per second since the previous distribution (or activation):
    ///         a 10% yearly return on 32 ETH, about three times what a validator earns. What arrives faster
    ///         waits for later distributions or the completion, so principal returned by an exit is never
    ///         taken as rewards beyond what the validator could have earned meanwhile.
    uint256 public constant MAX_REWARD_PER_SECOND = VALIDATOR_ETH / 10 / 365 days;
    /// @notice Most ETH one distribution takes, however long since the previous one (about 114 days at
    ///         MAX_REWARD_PER_SECOND).
    uint256 public constant MAX_DISTRIBUTION = 1 ether;
    /// @notice A loss can be settled only this long after the exit became expected (the end time or an
    ///         exit request, whichever came first): time for the exit queue, the withdrawability delay and
    ///         the withdrawal sweep, so a loss cannot be declared while the principal is still on its way.
    uint256 public constant LOSS_SETTLEMENT_DELAY = 30 days;
    /// @notice EIP-7002 withdrawal request contract (Prague): the 0x01 withdrawal address may ask it for a
    ///         full exit of its validator.
    address public constant WITHDRAWAL_REQUEST_CONTRACT = 0x00000961Ef480Eb55e80D19ad83579A64c007002;
    /// @dev 32 ETH in gwei, the deposit amount.
    uint64 private constant _DEPOSIT_GWEI = 32e9;
    /// @dev Σ shares while Active, in SHARE_UNITs (32 ETH / 1 ETH).
    uint256 private constant _SHARE_UNITS = VALIDATOR_ETH / SHARE_UNIT;

    // ---- immutables: in the implementation's code, shared by every clone ----

    /// @notice The factory that made this pool (and the implementation).
    address public immutable factory;
    /// @notice The Governance contract.
    address public immutable governance;
    /// @notice The MZKU token in which stakers pay FP.
    IERC20 public immutable mzku;
    /// @notice The Ethereum deposit contract.
    IDepositContract public immutable depositContract;
    /// @notice The Reward Pool (10% of ETH profit and of the MZKU fee by default).
    IRewardPool public immutable rewardPool;
    /// @notice The Insurance Pool (10% of ETH profit by default, and the rounding dust of every split).
    IInsurancePool public immutable insurancePool;

    // ---- storage (per clone) ----

    // slot: read and written by stake/withdraw
    /// @notice Lifecycle state.
    State public state;
    /// @notice End time: stakes and activation only before it; after it anyone may cancel an Open pool.
    uint40 public endTime;
    /// @notice The provider's ETH in the validator (k plus what it added): its reward weight and first-loss
    ///         capital.
    uint96 public providerEth;
    uint96 private _totalSupply;

    // slot: read by stake
    /// @notice Smallest stake (except one that exactly fills the pool); copied from the factory at opening.
    uint128 public minStake;
    /// @notice FP in MZKU wei for the whole 32 ETH; a stake of s wei pays ceil(s × FP / 32 ETH).
    uint128 public fixedPrice;

    /// @notice Accumulated ETH reward per SHARE_UNIT of stake (only grows, only while Active or at completion).
    uint256 public rewardPerShare;
    /// @notice From activation on: ETH this pool holds that is already owed to someone (unclaimed rewards,
    ///         redemption pot, collateral to return). Before activation every wei held is owed back
    ///         (providerEth + aETH supply) and this stays 0.
    uint256 public reserved;

    /// @notice The operating provider's address (registers deposit data, receives the MZKU fees, completes).
    address public operator;
    /// @notice Insurance Pool share of ETH profit, in basis points (copied from the factory at opening).
    uint16 public insuranceBps;
    /// @notice Reward Pool share of ETH profit and of the MZKU fee, in basis points (copied at opening).
    uint16 public rewardBps;
    /// @notice When rewards were last distributed (activation at first): bounds what `distribute` takes.
    uint40 public lastDistributedAt;
    /// @notice Who owns the provider's ETH (`providerEth`) and its rewards: the provider that opened the pool.
    address public collateralOwner;
    /// @notice When the pool first asked the execution layer for its validator's exit (EIP-7002; 0 = never):
    ///         rewards are no longer distributed, the pool is completed once the principal is back.
    uint40 public exitRequestedAt;
    /// @notice When the pool completed (0 before): a validator project's market reads it.
    uint40 public completedAt;
    /// @notice The operating provider's id in the ProviderRegistry.
    uint256 public providerId;
    /// @notice Sequence number of this pool in its factory (1-based); used in the aETH name and symbol.
    uint256 public poolId;
    /// @notice SSZ root of the registered DepositData (0 if none).
    bytes32 public depositDataRoot;
    /// @notice keccak256(pubkey ‖ signature) of the registered DepositData.
    bytes32 public depositDataHash;
    /// @notice After completion: ETH left for the aETH still outstanding.
    uint256 public redemptionPot;
    /// @notice After completion: the provider's ETH to return (providerEth minus its share of a loss).
    uint256 public collateralToReturn;
    /// @notice Rewards the collateral owner has claimed.
    uint256 public providerRewardsClaimed;
    /// @notice ETH profit split so far (every `distribute` and the profit at completion): a validator
    ///         project's X as the pool observed it.
    uint128 public observedRewards;
    /// @notice Principal lost at completion (32 ETH − what came back; 0 if none).
    uint128 public observedLoss;

    mapping(address account => Account) private _accounts;
    mapping(address owner => mapping(address spender => uint256)) private _allowances;

    // ---- errors ----

    /// @notice The caller is not the factory.
    error MicroPoolOnlyFactory(address caller);
    /// @notice `initialize` was called on a pool already initialized.
    error MicroPoolAlreadyInitialized();
    /// @notice The function is not available in the pool's current state.
    error MicroPoolWrongState(State state);
    /// @notice The end time has passed (`now` ≥ `endTime`).
    error MicroPoolEnded(uint256 endTime, uint256 now_);
    /// @notice The stake is below the minimum (and does not exactly fill the pool).
    error MicroPoolStakeTooLow(uint256 amount, uint256 minStake);
    /// @notice The ETH exceeds what the pool still needs to reach 32 ETH.
    error MicroPoolStakeTooHigh(uint256 amount, uint256 room);
    /// @notice The caller is not the operating provider.
    error MicroPoolOnlyOperator(address caller);
    /// @notice The caller is not the owner of the provider's collateral.
    error MicroPoolOnlyCollateralOwner(address caller);
    /// @notice The caller may not do this (neither the operator nor governance, or not after end time).
    error MicroPoolUnauthorized(address caller);
    /// @notice A deposit data field has the wrong length.
    error MicroPoolBadDepositDataLength(uint256 pubkeyLength, uint256 signatureLength);
    /// @notice The given deposit data root is not the SSZ root of the data with this pool's credentials.
    error MicroPoolDepositDataRootMismatch(bytes32 given, bytes32 computed);
    /// @notice The platform co-signer did not approve this deposit key for this pool.
    error MicroPoolDepositKeyNotApproved(bytes32 pubkeyHash);
    /// @notice No deposit data was registered, or the pubkey/signature given are not the registered ones.
    error MicroPoolDepositDataUnknown(bytes32 hash);
    /// @notice The pool does not hold exactly 32 ETH of stake.
    error MicroPoolNotFull(uint256 staked);
    /// @notice No ETH waiting to be distributed.
    error MicroPoolNothingToDistribute();
    /// @notice The undistributed balance looks like the validator's exit; complete the pool instead.
    error MicroPoolLooksLikeExit(uint256 amount);
    /// @notice The final balance is under 32 ETH; only governance may settle a loss.
    error MicroPoolLossNeedsGovernance(uint256 received);
    /// @notice Nothing to claim or withdraw.
    error MicroPoolNothingToClaim(address account);
    /// @notice The EIP-7002 exit request failed (no request contract on this chain, or fee too low).
    error MicroPoolExitRequestFailed(uint256 fee);
    /// @notice The deposit contract's root is `actual`, not the `approved` one the co-signer checked: a deposit
    ///         happened since (possibly a front-run of this key).
    error MicroPoolDepositRootChanged(bytes32 approved, bytes32 actual);
    /// @notice The co-signer did not approve activating with key `pubkeyHash` at deposit root `depositRoot`.
    error MicroPoolActivationNotApproved(bytes32 pubkeyHash, bytes32 depositRoot);
    /// @notice The end time passed or an exit was requested: the pool must be completed, not distributed.
    error MicroPoolExitExpected(uint256 endTime, bool exitRequested);
    /// @notice Only `received` came back; a loss can be settled from `settleableAt` on.
    error MicroPoolLossTooEarly(uint256 received, uint256 settleableAt);
    /// @notice An ETH transfer failed.
    error MicroPoolEthTransferFailed(address to, uint256 amount);
    /// @notice The aETH balance is too low.
    error MicroPoolInsufficientBalance(address account, uint256 balance, uint256 needed);
    /// @notice The aETH allowance is too low.
    error MicroPoolInsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    /// @notice aETH cannot be sent to or approved for the zero address.
    error MicroPoolZeroAddress();

    // ---- events ----

    /// @notice The clone was set up by the factory.
    event PoolInitialized(
        uint256 indexed poolId,
        uint256 indexed providerId,
        address operator,
        uint256 endTime,
        uint256 fixedPrice,
        uint256 minStake,
        uint256 providerEth
    );
    /// @notice `staker` staked `amount` ETH, received as many aETH and paid `fee` MZKU.
    event Staked(address indexed staker, uint256 amount, uint256 fee);
    /// @notice `staker` burned `amount` aETH before start and got its ETH and `mzkuRefund` MZKU back.
    event Withdrawn(address indexed staker, uint256 amount, uint256 mzkuRefund);
    /// @notice The provider added ETH to its share.
    event ProviderEthAdded(uint256 amount, uint256 providerEth);
    /// @notice The operator registered deposit data for a threshold key.
    event DepositDataSet(bytes pubkey, bytes signature, bytes32 depositDataRoot);
    /// @notice The validator was deposited; the held MZKU fees were forwarded.
    event Activated(bytes32 depositDataRoot, uint256 mzkuToRewardPool, uint256 mzkuToProvider);
    /// @notice `distribute` took `amount` of the `pending` ETH (the rest waits: at most MAX_REWARD_PER_SECOND).
    event RewardsReleased(uint256 amount, uint256 pending);
    /// @notice `amount` ETH of profit was split; `toHolders` is credited to aETH holders and the provider
    ///         (the rounding dust of that credit is inside `toInsurance`).
    event RewardsDistributed(uint256 amount, uint256 toInsurance, uint256 toRewardPool, uint256 toHolders);
    /// @notice `account` claimed `amount` ETH of rewards.
    event Claimed(address indexed account, uint256 amount);
    /// @notice The collateral owner claimed `amount` ETH of rewards.
    event ProviderRewardsClaimed(address indexed owner, uint256 amount);
    /// @notice The pool was settled after the validator's exit.
    event Completed(
        uint256 received, uint256 providerLoss, uint256 stakerLoss, uint256 compensation, uint256 redemptionPot
    );
    /// @notice `holder` burned `amount` aETH for `eth` ETH.
    event Redeemed(address indexed holder, uint256 amount, uint256 eth);
    /// @notice The collateral owner took back `amount` ETH.
    event CollateralWithdrawn(address indexed owner, uint256 amount);
    /// @notice The Open pool was cancelled by `by`.
    event Cancelled(address indexed by);
    /// @notice Governance (co-signed) moved the pool to another operating provider.
    event OperatorMigrated(uint256 indexed oldProviderId, uint256 indexed newProviderId, address newOperator);
    /// @notice The pool asked the execution layer (EIP-7002) to exit its validator; `fee` was paid by `by`.
    event ExitRequested(address indexed by, uint256 fee);
    /// @notice ETH that arrived after completion was sent to the Insurance Pool.
    event Swept(uint256 amount);

    modifier inState(State s) {
        if (state != s) revert MicroPoolWrongState(state);
        _;
    }

    /// @param governance_ The Governance contract.
    /// @param mzku_ The MZKU token.
    /// @param depositContract_ The Ethereum deposit contract.
    /// @param rewardPool_ The Reward Pool.
    /// @param insurancePool_ The Insurance Pool.
    /// @dev Deployed by the factory in its constructor; `factory` is the deployer.
    constructor(
        address governance_,
        IERC20 mzku_,
        IDepositContract depositContract_,
        IRewardPool rewardPool_,
        IInsurancePool insurancePool_
    ) {
        factory = msg.sender;
        governance = governance_;
        mzku = mzku_;
        depositContract = depositContract_;
        rewardPool = rewardPool_;
        insurancePool = insurancePool_;
    }

    /// @notice Sets up a fresh clone. Factory only, once; `msg.value` is the provider's ETH.
    function initialize(
        uint256 poolId_,
        uint256 providerId_,
        address operator_,
        uint40 endTime_,
        uint128 fixedPrice_,
        uint128 minStake_,
        uint16 insuranceBps_,
        uint16 rewardBps_
    ) external payable {
        if (msg.sender != factory) revert MicroPoolOnlyFactory(msg.sender);
        if (state != State.Uninitialized) revert MicroPoolAlreadyInitialized();
        state = State.Open;
        endTime = endTime_;
        providerEth = SafeCast.toUint96(msg.value);
        minStake = minStake_;
        fixedPrice = fixedPrice_;
        operator = operator_;
        insuranceBps = insuranceBps_;
        rewardBps = rewardBps_;
        collateralOwner = operator_;
        providerId = providerId_;
        poolId = poolId_;
        emit PoolInitialized(poolId_, providerId_, operator_, endTime_, fixedPrice_, minStake_, msg.value);
    }

    /// @notice Takes ETH: consensus-layer withdrawals (which run no code), Insurance Pool compensation, gifts.
    receive() external payable {}

    // =====================================================================================
    // Open: stakes, withdrawals, the provider's ETH, deposit data, activation, cancellation
    // =====================================================================================

    /// @notice Stakes `msg.value` ETH: mints as many aETH to the caller and pulls ceil(value × FP / 32 ETH)
    ///         MZKU from it (approve the pool first). The fee is held by the pool until activation.
    function stake() external payable nonReentrant {
        _stake();
    }

    /// @notice `stake` with an EIP-2612 permit for the MZKU fee instead of a prior approval (`value` is the
    ///         MZKU allowance granted). A permit that fails (for example front-run) is ignored when the
    ///         allowance is already there.
    function stakeWithPermit(uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        payable
        nonReentrant
    {
        try IERC20Permit(address(mzku)).permit(msg.sender, address(this), value, deadline, v, r, s) {} catch {}
        _stake();
    }

    function _stake() private {
        if (state != State.Open) revert MicroPoolWrongState(state);
        uint256 end = endTime;
        if (block.timestamp >= end) revert MicroPoolEnded(end, block.timestamp);
        uint256 supply = _totalSupply;
        uint256 room = VALIDATOR_ETH - providerEth - supply;
        if (msg.value > room) revert MicroPoolStakeTooHigh(msg.value, room);
        if (msg.value == 0 || (msg.value < minStake && msg.value != room)) {
            revert MicroPoolStakeTooLow(msg.value, minStake);
        }
        uint256 fee = Math.mulDiv(msg.value, fixedPrice, VALIDATOR_ETH, Math.Rounding.Ceil);
        // Cannot overflow: supply + value ≤ 32 ETH.
        unchecked {
            // casting to 'uint96' is safe because every aETH balance and the supply are at most 32 ETH
            // forge-lint: disable-next-line(unsafe-typecast)
            _totalSupply = uint96(supply + msg.value);
        }
        _mintBalance(msg.sender, msg.value);
        emit Staked(msg.sender, msg.value, fee);
        if (fee != 0) mzku.safeTransferFrom(msg.sender, address(this), fee);
    }

    /// @notice Before start (Open) or after a cancellation: burns `amount` aETH of the caller and returns as
    ///         much ETH and floor(amount × FP / 32 ETH) MZKU.
    function withdraw(uint256 amount) external nonReentrant {
        State s = state;
        if (s != State.Open && s != State.Cancelled) revert MicroPoolWrongState(s);
        if (amount == 0) revert MicroPoolNothingToClaim(msg.sender);
        _burnBalance(msg.sender, amount);
        // Cannot underflow: amount ≤ balance ≤ supply.
        unchecked {
            // casting to 'uint96' is safe because every aETH balance and the supply are at most 32 ETH
            // forge-lint: disable-next-line(unsafe-typecast)
            _totalSupply -= uint96(amount);
        }
        uint256 refund = Math.mulDiv(amount, fixedPrice, VALIDATOR_ETH);
        emit Withdrawn(msg.sender, amount, refund);
        if (refund != 0) mzku.safeTransfer(msg.sender, refund);
        // The fees were rounded up and refunds down: when a cancelled pool is empty, the remainder goes to
        // the Reward Pool (its share of fees it would have had).
        if (s == State.Cancelled && _totalSupply == 0) _forwardMzkuRemainder();
        _sendEth(msg.sender, amount);
    }

    /// @notice The collateral owner adds ETH to its share (Open only, up to what the pool still needs).
    function addProviderEth() external payable inState(State.Open) {
        if (msg.sender != collateralOwner) revert MicroPoolOnlyCollateralOwner(msg.sender);
        uint256 room = VALIDATOR_ETH - providerEth - _totalSupply;
        if (msg.value == 0 || msg.value > room) revert MicroPoolStakeTooHigh(msg.value, room);
        // Cannot overflow: providerEth + value ≤ 32 ETH.
        unchecked {
            providerEth += uint96(msg.value);
        }
        emit ProviderEthAdded(msg.value, providerEth);
    }

    /// @notice The operator registers the DepositData of a threshold key for this pool's validator:
    ///         32 ETH, withdrawal credentials `withdrawalCredentials()`. The pool checks `root` is the SSZ
    ///         root of that data (the BLS signature itself is checked by the consensus layer), and that the
    ///         platform co-signer approved the key (EIP-712 `DepositKey`, see the factory): a key the
    ///         operator held alone could front-run the deposit with its own withdrawal credentials.
    function setDepositData(bytes calldata pubkey, bytes calldata signature, bytes32 root, bytes calldata coSignature)
        external
        inState(State.Open)
    {
        if (msg.sender != operator) revert MicroPoolOnlyOperator(msg.sender);
        if (pubkey.length != 48 || signature.length != 96) {
            revert MicroPoolBadDepositDataLength(pubkey.length, signature.length);
        }
        bytes32 computed = DepositDataRoot.compute(pubkey, withdrawalCredentials(), _DEPOSIT_GWEI, signature);
        if (computed != root) revert MicroPoolDepositDataRootMismatch(root, computed);
        bytes32 pubkeyHash = keccak256(pubkey);
        if (!IMicroPoolFactory(factory).isDepositKeyApproved(address(this), pubkeyHash, root, coSignature)) {
            revert MicroPoolDepositKeyNotApproved(pubkeyHash);
        }
        // One pool per key, ever: a key approved for two pools cannot send the second one's ETH to the first
        // one's validator.
        IMicroPoolFactory(factory).claimDepositKey(pubkeyHash);
        depositDataRoot = root;
        depositDataHash = keccak256(abi.encodePacked(pubkey, signature));
        emit DepositDataSet(pubkey, signature, root);
    }

    /// @notice Anyone: once the pool holds exactly 32 ETH and deposit data is registered, deposits the
    ///         validator and forwards the held MZKU fees (Reward Pool share, the rest to the operator).
    ///         Front-running guard (Lido's deposit-security approach): the platform co-signer checked that no
    ///         deposit exists for the key while the deposit contract's root was `depositRoot`, and signed
    ///         `Activation(pool, pubkeyHash, depositRoot)`; the deposit goes out only if the root is still
    ///         that one, i.e. no deposit at all happened since the check.
    /// @param pubkey The registered pubkey (from `DepositDataSet`).
    /// @param signature The registered signature.
    /// @param depositRoot The deposit contract's `get_deposit_root()` the co-signer checked against.
    /// @param coSignature The co-signer's EIP-712 `Activation` signature.
    function activate(bytes calldata pubkey, bytes calldata signature, bytes32 depositRoot, bytes calldata coSignature)
        external
        nonReentrant
        inState(State.Open)
    {
        bytes32 root = _checkActivation(pubkey, signature, depositRoot, coSignature);
        state = State.Active;
        lastDistributedAt = SafeCast.toUint40(block.timestamp);
        uint256 fees = mzku.balanceOf(address(this));
        uint256 toRewardPool = fees * rewardBps / BPS;
        uint256 toProvider = fees - toRewardPool; // the operator is the sink of the rounding dust
        emit Activated(root, toRewardPool, toProvider);

        depositContract.deposit{value: VALIDATOR_ETH}(
            pubkey, abi.encodePacked(withdrawalCredentials()), signature, root
        );
        if (toRewardPool != 0) {
            mzku.forceApprove(address(rewardPool), toRewardPool);
            rewardPool.depositMzku(toRewardPool);
        }
        if (toProvider != 0) mzku.safeTransfer(operator, toProvider);
    }

    /// @dev The checks of `activate`; returns the registered DepositData root.
    function _checkActivation(
        bytes calldata pubkey,
        bytes calldata signature,
        bytes32 depositRoot,
        bytes calldata coSignature
    ) private view returns (bytes32 root) {
        uint256 end = endTime;
        if (block.timestamp >= end) revert MicroPoolEnded(end, block.timestamp);
        uint256 staked = uint256(providerEth) + _totalSupply;
        if (staked != VALIDATOR_ETH) revert MicroPoolNotFull(staked);
        bytes32 hash = keccak256(abi.encodePacked(pubkey, signature));
        root = depositDataRoot;
        if (root == bytes32(0) || hash != depositDataHash) revert MicroPoolDepositDataUnknown(hash);
        bytes32 actualRoot = depositContract.get_deposit_root();
        if (actualRoot != depositRoot) revert MicroPoolDepositRootChanged(depositRoot, actualRoot);
        bytes32 pubkeyHash = keccak256(pubkey);
        if (!IMicroPoolFactory(factory).isActivationApproved(address(this), pubkeyHash, depositRoot, coSignature)) {
            revert MicroPoolActivationNotApproved(pubkeyHash, depositRoot);
        }
    }

    /// @notice Cancels an Open pool: the operator or governance at any time, anyone after the end time.
    ///         Stakers then `withdraw`, the collateral owner `withdrawCollateral`.
    function cancel() external nonReentrant inState(State.Open) {
        if (msg.sender != operator && msg.sender != governance && block.timestamp < endTime) {
            revert MicroPoolUnauthorized(msg.sender);
        }
        state = State.Cancelled;
        emit Cancelled(msg.sender);
        // No aETH left: the fee rounding remainder of earlier withdrawals goes to the Reward Pool now.
        if (_totalSupply == 0) _forwardMzkuRemainder();
    }

    // =====================================================================================
    // Active: rewards
    // =====================================================================================

    /// @notice Anyone, before the end time and before an exit request: splits the ETH that arrived (reward
    ///         withdrawals) 10% Insurance Pool, 10% Reward Pool, 80% aETH holders and the provider pro rata.
    ///         Takes at most MAX_REWARD_PER_SECOND × the seconds since the previous distribution (and at most
    ///         MAX_DISTRIBUTION); the rest waits. Refuses a pending balance ≥ EXIT_THRESHOLD outright.
    function distribute() external nonReentrant inState(State.Active) {
        if (block.timestamp >= endTime || exitRequestedAt != 0) {
            revert MicroPoolExitExpected(endTime, exitRequestedAt != 0);
        }
        uint256 pending = address(this).balance - reserved;
        if (pending == 0) revert MicroPoolNothingToDistribute();
        if (pending >= EXIT_THRESHOLD) revert MicroPoolLooksLikeExit(pending);
        uint256 amount = Math.min((block.timestamp - lastDistributedAt) * MAX_REWARD_PER_SECOND, MAX_DISTRIBUTION);
        if (amount == 0) revert MicroPoolNothingToDistribute();
        if (amount > pending) amount = pending;
        lastDistributedAt = SafeCast.toUint40(block.timestamp);
        emit RewardsReleased(amount, pending);
        _split(amount);
    }

    /// @notice Sends the caller its accrued ETH rewards (aETH held now or before, in any wallet).
    function claim() external nonReentrant returns (uint256 amount) {
        Account memory a = _accounts[msg.sender];
        amount = _claimable(a);
        if (amount == 0) revert MicroPoolNothingToClaim(msg.sender);
        // amount × SHARE_UNIT ≤ rewardPerShare × balance + correction, so the new value is ≥ −that and fits.
        _accounts[msg.sender].correction = _toInt160(a.correction - SafeCast.toInt256(amount * SHARE_UNIT));
        // Cannot underflow: amount ≤ rewards credited and not yet claimed, all of which are in `reserved`.
        unchecked {
            reserved -= amount;
        }
        emit Claimed(msg.sender, amount);
        _sendEth(msg.sender, amount);
    }

    /// @notice Sends the collateral owner the rewards earned by the provider's ETH.
    function claimProviderRewards() external nonReentrant returns (uint256 amount) {
        address owner = collateralOwner;
        if (msg.sender != owner) revert MicroPoolOnlyCollateralOwner(msg.sender);
        amount = providerClaimable();
        if (amount == 0) revert MicroPoolNothingToClaim(msg.sender);
        providerRewardsClaimed += amount;
        reserved -= amount;
        emit ProviderRewardsClaimed(owner, amount);
        _sendEth(owner, amount);
    }

    /// @notice After the end time anyone (before it, governance) may make the pool, as the validator's 0x01
    ///         withdrawal address, request a full exit through EIP-7002, so stakers do not depend on the
    ///         threshold signers to leave. `msg.value` is the request fee (read it from the request contract;
    ///         whatever is sent is forwarded).
    /// @param pubkey The registered pubkey; @param signature the registered signature (from `DepositDataSet`).
    function requestExit(bytes calldata pubkey, bytes calldata signature)
        external
        payable
        nonReentrant
        inState(State.Active)
    {
        if (msg.sender != governance && block.timestamp < endTime) {
            revert MicroPoolUnauthorized(msg.sender);
        }
        bytes32 hash = keccak256(abi.encodePacked(pubkey, signature));
        if (hash != depositDataHash) revert MicroPoolDepositDataUnknown(hash);
        if (exitRequestedAt == 0) exitRequestedAt = SafeCast.toUint40(block.timestamp);
        emit ExitRequested(msg.sender, msg.value);
        if (WITHDRAWAL_REQUEST_CONTRACT.code.length == 0) revert MicroPoolExitRequestFailed(msg.value);
        // 48-byte pubkey ‖ 8-byte big-endian amount; 0 = full exit.
        (bool ok,) = WITHDRAWAL_REQUEST_CONTRACT.call{value: msg.value}(abi.encodePacked(pubkey, uint64(0)));
        if (!ok) revert MicroPoolExitRequestFailed(msg.value);
    }

    // =====================================================================================
    // Completion, losses, redemption
    // =====================================================================================

    /// @notice Settles the pool after the validator's exit: everything the pool received beyond what it
    ///         owes is the final balance. At least 32 ETH: the excess is profit (split as rewards), the
    ///         provider's ETH and the stakers' 32 − k come back whole; the operator or governance may call.
    ///         Less than 32 ETH (slashing, penalties): governance only, and only LOSS_SETTLEMENT_DELAY after
    ///         the exit became expected (end time or exit request); the provider's ETH absorbs the loss
    ///         first, then the Insurance Pool compensates the stakers as far as its balance reaches.
    function complete() external nonReentrant inState(State.Active) {
        bool isGovernance = msg.sender == governance;
        if (msg.sender != operator && !isGovernance) revert MicroPoolUnauthorized(msg.sender);
        uint256 received = address(this).balance - reserved;
        uint256 supply = _totalSupply;
        uint256 pEth = providerEth;
        state = State.Completed;
        uint256 providerLoss;
        uint256 stakerLoss;
        uint256 compensation;
        if (received >= VALIDATOR_ETH) {
            uint256 profit = received - VALIDATOR_ETH;
            reserved += VALIDATOR_ETH;
            if (profit != 0) _split(profit);
        } else {
            if (!isGovernance) revert MicroPoolLossNeedsGovernance(received);
            uint256 settleableAt = settleableAfterLoss();
            if (block.timestamp < settleableAt) revert MicroPoolLossTooEarly(received, settleableAt);
            uint256 loss = VALIDATOR_ETH - received;
            providerLoss = Math.min(loss, pEth);
            stakerLoss = loss - providerLoss;
            reserved += received;
            if (stakerLoss != 0) {
                compensation = Math.min(IMicroPoolFactory(factory).compensate(stakerLoss), stakerLoss);
                reserved += compensation;
            }
        }
        // Cannot underflow: stakerLoss ≤ 32 ETH − pEth = supply; compensation ≤ stakerLoss.
        uint256 pot = supply - stakerLoss + compensation;
        redemptionPot = pot;
        completedAt = uint40(block.timestamp);
        // ≤ 32 ETH
        // forge-lint: disable-next-line(unsafe-typecast)
        observedLoss = uint128(providerLoss + stakerLoss);
        collateralToReturn = pEth - providerLoss;
        emit Completed(received, providerLoss, stakerLoss, compensation, pot);
    }

    /// @notice Burns `amount` aETH of the caller for its share of the redemption pot (exactly 1 ETH per aETH
    ///         unless a loss exceeded the provider's ETH and the insurance). The last aETH takes the remainder.
    function redeem(uint256 amount) external nonReentrant inState(State.Completed) returns (uint256 eth) {
        if (amount == 0) revert MicroPoolNothingToClaim(msg.sender);
        uint256 supply = _totalSupply;
        _burnBalance(msg.sender, amount);
        uint256 pot = redemptionPot;
        eth = Math.mulDiv(amount, pot, supply); // amount == supply → eth == pot: no dust left behind
        // Cannot underflow: amount ≤ supply and eth ≤ pot ≤ reserved.
        unchecked {
            // casting to 'uint96' is safe because every aETH balance and the supply are at most 32 ETH
            // forge-lint: disable-next-line(unsafe-typecast)
            _totalSupply = uint96(supply - amount);
            redemptionPot = pot - eth;
            reserved -= eth;
        }
        emit Redeemed(msg.sender, amount, eth);
        _sendEth(msg.sender, eth);
    }

    /// @notice The collateral owner takes back its ETH: after completion (minus its share of a loss) or after
    ///         a cancellation (all of it). Never while Open or Active.
    function withdrawCollateral() external nonReentrant returns (uint256 amount) {
        address owner = collateralOwner;
        if (msg.sender != owner) revert MicroPoolOnlyCollateralOwner(msg.sender);
        State s = state;
        if (s == State.Completed) {
            amount = collateralToReturn;
            collateralToReturn = 0;
        } else if (s == State.Cancelled) {
            amount = providerEth;
            providerEth = 0;
        } else {
            revert MicroPoolWrongState(s);
        }
        if (amount == 0) revert MicroPoolNothingToClaim(owner);
        if (s == State.Completed) reserved -= amount;
        emit CollateralWithdrawn(owner, amount);
        _sendEth(owner, amount);
    }

    /// @notice Anyone, after completion: ETH that arrived later than the settlement goes to the Insurance Pool.
    function sweep() external nonReentrant inState(State.Completed) {
        uint256 amount = address(this).balance - reserved;
        if (amount == 0) revert MicroPoolNothingToDistribute();
        emit Swept(amount);
        insurancePool.depositEth{value: amount}();
    }

    /// @notice Factory only (governance with the co-signer's signature): another provider operates the pool.
    ///         The collateral and its rewards stay with `collateralOwner`; in an Open pool the deposit data
    ///         is cleared (the new operator registers its own threshold key).
    function migrateOperator(uint256 newProviderId, address newOperator) external {
        if (msg.sender != factory) revert MicroPoolOnlyFactory(msg.sender);
        State s = state;
        if (s != State.Open && s != State.Active) revert MicroPoolWrongState(s);
        uint256 oldProviderId = providerId;
        providerId = newProviderId;
        operator = newOperator;
        if (s == State.Open) {
            depositDataRoot = bytes32(0);
            depositDataHash = bytes32(0);
        }
        emit OperatorMigrated(oldProviderId, newProviderId, newOperator);
    }

    // =====================================================================================
    // Views
    // =====================================================================================

    /// @notice `0x01 ‖ 11 zero bytes ‖ this pool`: execution-layer withdrawals come here.
    function withdrawalCredentials() public view returns (bytes32) {
        return bytes32((uint256(1) << 248) | uint256(uint160(address(this))));
    }

    /// @inheritdoc IValidatorPool
    function validatorStatus()
        external
        view
        returns (uint8 state_, uint40 completedAt_, uint128 observedRewards_, uint128 observedLoss_)
    {
        return (uint8(state), completedAt, observedRewards, observedLoss);
    }

    /// @notice Whether the pool asked for its validator's exit (EIP-7002).
    function exitRequested() external view returns (bool) {
        return exitRequestedAt != 0;
    }

    /// @notice When a loss can be settled: LOSS_SETTLEMENT_DELAY after the end time or the first exit
    ///         request, whichever came first.
    function settleableAfterLoss() public view returns (uint256) {
        uint256 expectedAt = endTime;
        uint256 requested = exitRequestedAt;
        if (requested != 0 && requested < expectedAt) expectedAt = requested;
        return expectedAt + LOSS_SETTLEMENT_DELAY;
    }

    /// @notice ETH rewards `account` can claim now.
    function claimableOf(address account) public view returns (uint256) {
        return _claimable(_accounts[account]);
    }

    /// @notice ETH rewards the collateral owner can claim now.
    function providerClaimable() public view returns (uint256) {
        return rewardPerShare * providerEth / SHARE_UNIT - providerRewardsClaimed;
    }

    // ---- ERC-20 (aETH) ----

    /// @notice "MZKU Pool <id> aETH" (clones have no constructor, so the name is derived from `poolId`).
    function name() external view returns (string memory) {
        return string.concat("MZKU Pool ", Strings.toString(poolId), " aETH");
    }

    /// @notice "aETH-<id>".
    function symbol() external view returns (string memory) {
        return string.concat("aETH-", Strings.toString(poolId));
    }

    /// @notice 18, like ETH.
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @notice aETH outstanding (= ETH staked by stakers while the pool runs).
    function totalSupply() external view returns (uint256) {
        return _totalSupply;
    }

    /// @notice aETH of `account`.
    function balanceOf(address account) external view returns (uint256) {
        return _accounts[account].balance;
    }

    /// @notice aETH `spender` may move for `owner`.
    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    /// @notice Moves aETH; accrued rewards stay with the sender, future rewards follow the tokens.
    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    /// @notice Moves aETH on an allowance (type(uint256).max is never decreased).
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = _allowances[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert MicroPoolInsufficientAllowance(msg.sender, allowed, amount);
            // Cannot underflow: checked above.
            unchecked {
                _allowances[from][msg.sender] = allowed - amount;
            }
        }
        _transfer(from, to, amount);
        return true;
    }

    /// @notice Lets `spender` move `amount` aETH of the caller.
    function approve(address spender, uint256 amount) external returns (bool) {
        if (spender == address(0)) revert MicroPoolZeroAddress();
        _allowances[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    // =====================================================================================
    // Internals
    // =====================================================================================

    function _transfer(address from, address to, uint256 amount) private {
        if (to == address(0)) revert MicroPoolZeroAddress();
        Account memory f = _accounts[from];
        if (f.balance < amount) revert MicroPoolInsufficientBalance(from, f.balance, amount);
        int256 delta = _correctionDelta(amount);
        // Cannot underflow: checked above; cannot overflow: balances ≤ supply ≤ 32 ETH.
        unchecked {
            // casting to 'uint96' is safe because every aETH balance and the supply are at most 32 ETH
            // forge-lint: disable-next-line(unsafe-typecast)
            _accounts[from] = Account(uint96(f.balance - amount), _toInt160(f.correction + delta));
            Account memory t = _accounts[to];
            // casting to 'uint96' is safe because every aETH balance and the supply are at most 32 ETH
            // forge-lint: disable-next-line(unsafe-typecast)
            _accounts[to] = Account(uint96(t.balance + amount), _toInt160(t.correction - delta));
        }
        emit Transfer(from, to, amount);
    }

    function _mintBalance(address to, uint256 amount) private {
        Account memory t = _accounts[to];
        // Cannot overflow: balances ≤ supply ≤ 32 ETH; rewardPerShare is 0 while Open (no correction).
        unchecked {
            // casting to 'uint96' is safe because every aETH balance and the supply are at most 32 ETH
            // forge-lint: disable-next-line(unsafe-typecast)
            _accounts[to] = Account(uint96(t.balance + amount), t.correction);
        }
        emit Transfer(address(0), to, amount);
    }

    function _burnBalance(address from, uint256 amount) private {
        Account memory f = _accounts[from];
        if (f.balance < amount) revert MicroPoolInsufficientBalance(from, f.balance, amount);
        // Cannot underflow: checked above.
        unchecked {
            // casting to 'uint96' is safe because every aETH balance and the supply are at most 32 ETH
            // forge-lint: disable-next-line(unsafe-typecast)
            _accounts[from] = Account(uint96(f.balance - amount), _toInt160(f.correction + _correctionDelta(amount)));
        }
        emit Transfer(from, address(0), amount);
    }

    /// @dev Claimable wei of an account: (rewardPerShare × balance + correction) / SHARE_UNIT.
    function _claimable(Account memory a) private view returns (uint256) {
        int256 scaled = SafeCast.toInt256(rewardPerShare * a.balance) + a.correction;
        // Non-negative: it is Σ (rewardPerShare increments × balance held meanwhile) − SHARE_UNIT × claimed,
        // and every claim took at most the floor of that sum.
        return SafeCast.toUint256(scaled) / SHARE_UNIT;
    }

    /// @dev rewardPerShare × amount, the reward already earned by `amount` aETH.
    function _correctionDelta(uint256 amount) private view returns (int256) {
        return SafeCast.toInt256(rewardPerShare * amount);
    }

    function _toInt160(int256 x) private pure returns (int160) {
        return SafeCast.toInt160(x);
    }

    /// @dev Splits profit: insurance and reward shares by bps, the rest credited per share; what the credit
    ///      cannot express (< 32 wei) goes to the Insurance Pool with its share.
    function _split(uint256 amount) private {
        uint256 toInsurance = amount * insuranceBps / BPS;
        uint256 toRewardPool = amount * rewardBps / BPS;
        uint256 toHolders = amount - toInsurance - toRewardPool;
        uint256 perShare = toHolders / _SHARE_UNITS;
        uint256 credited = perShare * _SHARE_UNITS;
        toInsurance += toHolders - credited;
        rewardPerShare += perShare;
        reserved += credited;
        observedRewards += SafeCast.toUint128(amount);
        emit RewardsDistributed(amount, toInsurance, toRewardPool, credited);
        if (toInsurance != 0) insurancePool.depositEth{value: toInsurance}();
        if (toRewardPool != 0) rewardPool.depositEth{value: toRewardPool}();
    }

    function _forwardMzkuRemainder() private {
        uint256 rest = mzku.balanceOf(address(this));
        if (rest != 0) {
            mzku.forceApprove(address(rewardPool), rest);
            rewardPool.depositMzku(rest);
        }
    }

    function _sendEth(address to, uint256 amount) private {
        (bool ok,) = payable(to).call{value: amount}("");
        if (!ok) revert MicroPoolEthTransferFailed(to, amount);
    }
}
