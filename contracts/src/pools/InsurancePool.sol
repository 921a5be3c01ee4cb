// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Governed} from "../governance/Governed.sol";
import {IInsurancePool} from "../interfaces/IInsurancePool.sol";
import {IRewardPool} from "../interfaces/IRewardPool.sol";

/// @title InsurancePool
/// @notice The Insurance Pool [3.4.6, 3.6]: takes r of every fee and profit (MZKU and ETH) and pays
///         compensation when a provider's collateral does not cover a loss, only on the word of the
///         protocol contracts fixed at deployment that record losses by rule (ProjectMarket: a failed
///         project's loss, bounded by its terms; MicroPoolFactory: a pool's measured loss). Governance
///         cannot pay out compensation itself. The balance
///         above a governance-set threshold may be moved to the Reward Pool or (MZKU) burned, by
///         governance decision. The thresholds never go below floors fixed at deployment (the
///         constructor's thresholds, which must be non-zero), so no majority can make the whole pool
///         excess and empty it.
///
///         ETH compensation is pushed to the recipient and, if the recipient refuses it, credited to it
///         for `withdrawEth` (pull fallback). MZKU is transferred at once (the protocol's own ERC-20
///         has no receiver hooks).
///
///         Invariant an extension must keep: ETH balance == Σ ETH in - Σ ETH sent out, and
///         `ethReserved` (credited, not yet withdrawn) <= ETH balance; MZKU balance == Σ MZKU in -
///         Σ MZKU out. Nothing is split, so there is no rounding dust.
contract InsurancePool is IInsurancePool, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice A deposit of zero.
    error InsurancePoolZeroDeposit();
    /// @notice Compensation to address zero.
    error InsurancePoolZeroRecipient();
    /// @notice `amount` of `asset` (0 MZKU, 1 ETH) is more than the `excess` over the threshold.
    error InsurancePoolExceedsExcess(uint8 asset, uint256 amount, uint256 excess);
    /// @notice No ETH is credited to `account`.
    error InsurancePoolNothingToWithdraw(address account);
    /// @notice An ETH payment to `to` failed.
    error InsurancePoolEthTransferFailed(address to, uint256 amount);
    /// @notice `caller` is not one of the protocol contracts fixed at deployment that record losses.
    error InsurancePoolNotCompensator(address caller);
    /// @notice A deployment threshold of zero (it would be the floor: the whole pool could become excess).
    error InsurancePoolZeroThreshold();
    /// @notice `threshold` of `asset` (0 MZKU, 1 ETH) is below the `floor` fixed at deployment.
    error InsurancePoolThresholdBelowFloor(uint8 asset, uint256 threshold, uint256 floor);

    /// @notice `amount` of `asset` (0 MZKU, 1 ETH) came in from `from`.
    event InsurancePoolDeposited(address indexed from, uint8 indexed asset, uint256 amount);
    /// @notice `caller` compensated `to` with `paid` of `asset` (asked `requested`); `credited` is true
    ///         when `to` refused the ETH and it was credited for `withdrawEth`.
    event InsurancePoolCompensated(
        address indexed caller, address indexed to, uint8 indexed asset, uint256 requested, uint256 paid, bool credited
    );
    /// @notice `account` withdrew `amount` ETH of credited compensation.
    event InsurancePoolWithdrawn(address indexed account, uint256 amount);
    /// @notice Governance moved excess to the Reward Pool.
    event InsurancePoolExcessMoved(uint256 mzku, uint256 eth);
    /// @notice Governance burned `amount` MZKU of excess (sent to BURN_ADDRESS).
    event InsurancePoolExcessBurned(uint256 amount);
    /// @notice Governance set the thresholds above which the balance is excess.
    event InsurancePoolThresholdsSet(uint256 mzku, uint256 eth);
    /// @notice `compensator` may pay compensation (fixed at deployment, never changed).
    event InsurancePoolCompensatorSet(address indexed compensator);

    /// @notice Where burned MZKU goes: the token has no burn function and refuses address zero.
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;

    /// @notice The MZKU token.
    IERC20 public immutable mzku;
    /// @notice The Reward Pool that receives moved excess.
    IRewardPool public immutable rewardPool;
    /// @notice The lowest MZKU threshold governance can set: the deployment threshold.
    uint256 public immutable thresholdFloorMzku;
    /// @notice The lowest ETH threshold governance can set: the deployment threshold.
    uint256 public immutable thresholdFloorEth;

    /// @notice MZKU balance kept as cover; only the part above it can be moved or burned.
    uint256 public thresholdMzku;
    /// @notice ETH balance (free of credited compensation) kept as cover.
    uint256 public thresholdEth;
    /// @notice ETH credited as compensation and not yet withdrawn.
    uint256 public ethReserved;
    mapping(address account => uint256) internal _ethOwed;
    mapping(address caller => bool) private _compensator;

    /// @param governance_ The Governance contract.
    /// @param authorizedCallers The protocol contracts that record losses and may compensate them
    ///        (ProjectMarket, MicroPoolFactory). Fixed here for the pool's life: governance's
    ///        `setAuthorizedCaller` does not make a compensator.
    /// @param mzku_ The MZKU token.
    /// @param rewardPool_ The Reward Pool.
    /// @param thresholdMzku_ Initial MZKU threshold, also its floor for the pool's life (non-zero).
    /// @param thresholdEth_ Initial ETH threshold, also its floor for the pool's life (non-zero).
    constructor(
        address governance_,
        address[] memory authorizedCallers,
        IERC20 mzku_,
        IRewardPool rewardPool_,
        uint256 thresholdMzku_,
        uint256 thresholdEth_
    ) Governed(governance_, authorizedCallers) {
        if (address(mzku_) == address(0) || address(rewardPool_) == address(0)) {
            revert GovernedZeroAddress();
        }
        if (thresholdMzku_ == 0 || thresholdEth_ == 0) revert InsurancePoolZeroThreshold();
        mzku = mzku_;
        rewardPool = rewardPool_;
        (thresholdFloorMzku, thresholdFloorEth) = (thresholdMzku_, thresholdEth_);
        thresholdMzku = thresholdMzku_;
        thresholdEth = thresholdEth_;
        emit InsurancePoolThresholdsSet(thresholdMzku_, thresholdEth_);
        for (uint256 i = 0; i < authorizedCallers.length; ++i) {
            _compensator[authorizedCallers[i]] = true;
            emit InsurancePoolCompensatorSet(authorizedCallers[i]);
        }
    }

    /// @dev Only the protocol contracts fixed at deployment: each pays out only a loss it recorded by
    ///      its own rule (a failed project's bounded loss, a micro-pool's measured staker loss).
    ///      Governance is not one of them.
    modifier onlyCompensator() {
        if (!_compensator[msg.sender]) revert InsurancePoolNotCompensator(msg.sender);
        _;
    }

    /// @inheritdoc IInsurancePool
    function depositMzku(uint256 amount) external nonReentrant {
        if (amount == 0) revert InsurancePoolZeroDeposit();
        emit InsurancePoolDeposited(msg.sender, 0, amount);
        mzku.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IInsurancePool
    function depositEth() external payable nonReentrant {
        if (msg.value == 0) revert InsurancePoolZeroDeposit();
        emit InsurancePoolDeposited(msg.sender, 1, msg.value);
    }

    /// @inheritdoc IInsurancePool
    /// @dev A compensator only. The ETH is pushed to `to`; if `to` refuses it, it is credited to `to`
    ///      instead (pulled with `withdrawEth`), so a refusing receiver cannot block the caller's flow.
    ///      `paid` counts both.
    function compensateEth(address to, uint256 amount) external onlyCompensator nonReentrant returns (uint256 paid) {
        if (to == address(0)) revert InsurancePoolZeroRecipient();
        uint256 free = address(this).balance - ethReserved;
        paid = amount < free ? amount : free;
        if (paid == 0) {
            emit InsurancePoolCompensated(msg.sender, to, 1, amount, 0, false);
            return 0;
        }
        // Nothing is written before the call; if it fails the ETH is back and is credited instead
        // (re-entry is blocked by the guard, and during the call the state shows nothing owed).
        (bool ok,) = payable(to).call{value: paid}("");
        if (!ok) {
            ethReserved += paid;
            _ethOwed[to] += paid;
        }
        emit InsurancePoolCompensated(msg.sender, to, 1, amount, paid, !ok);
    }

    /// @inheritdoc IInsurancePool
    /// @dev A compensator only.
    function compensateMzku(address to, uint256 amount) external onlyCompensator nonReentrant returns (uint256 paid) {
        if (to == address(0)) revert InsurancePoolZeroRecipient();
        uint256 bal = mzku.balanceOf(address(this));
        paid = amount < bal ? amount : bal;
        emit InsurancePoolCompensated(msg.sender, to, 0, amount, paid, false);
        if (paid != 0) mzku.safeTransfer(to, paid);
    }

    /// @notice Pays the caller the ETH compensation credited to it.
    function withdrawEth() external nonReentrant returns (uint256 amount) {
        amount = _ethOwed[msg.sender];
        if (amount == 0) revert InsurancePoolNothingToWithdraw(msg.sender);
        _ethOwed[msg.sender] = 0;
        ethReserved -= amount;
        emit InsurancePoolWithdrawn(msg.sender, amount);
        _sendEth(msg.sender, amount);
    }

    /// @notice Moves `mzkuAmount` and `ethAmount` of excess to the Reward Pool as inflows.
    /// @dev Governance only (a proposal).
    function moveExcessToRewardPool(uint256 mzkuAmount, uint256 ethAmount) external onlyGovernance nonReentrant {
        _checkExcess(0, mzkuAmount, excessMzku());
        _checkExcess(1, ethAmount, excessEth());
        emit InsurancePoolExcessMoved(mzkuAmount, ethAmount);
        if (mzkuAmount != 0) {
            mzku.forceApprove(address(rewardPool), mzkuAmount);
            rewardPool.depositMzku(mzkuAmount);
        }
        if (ethAmount != 0) rewardPool.depositEth{value: ethAmount}();
    }

    /// @notice Burns `amount` MZKU of excess (sends it to BURN_ADDRESS).
    /// @dev Governance only (a proposal).
    function burnExcessMzku(uint256 amount) external onlyGovernance nonReentrant {
        _checkExcess(0, amount, excessMzku());
        emit InsurancePoolExcessBurned(amount);
        mzku.safeTransfer(BURN_ADDRESS, amount);
    }

    /// @notice Sets the thresholds above which the balance is excess; each at least its deployment floor.
    /// @dev Governance only.
    function setThresholds(uint256 mzkuThreshold, uint256 ethThreshold) external onlyGovernance {
        if (mzkuThreshold < thresholdFloorMzku) {
            revert InsurancePoolThresholdBelowFloor(0, mzkuThreshold, thresholdFloorMzku);
        }
        if (ethThreshold < thresholdFloorEth) {
            revert InsurancePoolThresholdBelowFloor(1, ethThreshold, thresholdFloorEth);
        }
        thresholdMzku = mzkuThreshold;
        thresholdEth = ethThreshold;
        emit InsurancePoolThresholdsSet(mzkuThreshold, ethThreshold);
    }

    /// @notice MZKU above the threshold.
    function excessMzku() public view returns (uint256) {
        uint256 bal = mzku.balanceOf(address(this));
        return bal > thresholdMzku ? bal - thresholdMzku : 0;
    }

    /// @notice ETH (free of credited compensation) above the threshold.
    function excessEth() public view returns (uint256) {
        uint256 free = address(this).balance - ethReserved;
        return free > thresholdEth ? free - thresholdEth : 0;
    }

    /// @notice Whether `caller` is one of the protocol contracts that may compensate.
    function isCompensator(address caller) external view returns (bool) {
        return _compensator[caller];
    }

    /// @notice ETH compensation credited to `account` and not yet withdrawn.
    function ethOwedOf(address account) external view returns (uint256) {
        return _ethOwed[account];
    }

    function _checkExcess(uint8 asset, uint256 amount, uint256 excess) internal pure {
        if (amount > excess) revert InsurancePoolExceedsExcess(asset, amount, excess);
    }

    function _sendEth(address to, uint256 amount) internal {
        (bool ok,) = payable(to).call{value: amount}("");
        if (!ok) revert InsurancePoolEthTransferFailed(to, amount);
    }
}
