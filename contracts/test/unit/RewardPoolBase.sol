// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";

/// @notice Shared set-up for the Reward Pool tests: a token, a pool, and one source address per class.
abstract contract RewardPoolBase is Test {
    uint256 internal constant PERIOD = 7 days;
    uint256 internal constant SUPPLY = 1e9 ether;

    address internal gov = makeAddr("governance");
    address internal market = makeAddr("market");
    address internal treasury = makeAddr("treasury");
    address internal govSource = makeAddr("govSource");
    address internal providerSource = makeAddr("providerSource");
    address internal sidecarSource = makeAddr("sidecarSource");
    address internal requesterSource = makeAddr("requesterSource");
    address internal funder = makeAddr("funder");

    MzkuToken internal token;
    RewardPool internal pool;

    function setUp() public virtual {
        address[] memory holders = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        holders[0] = funder;
        amounts[0] = SUPPLY;
        token = new MzkuToken(holders, amounts);
        pool = _newPool(IERC20(address(token)));
        vm.deal(funder, 1e6 ether);
        vm.prank(funder);
        token.approve(address(pool), type(uint256).max);
    }

    function _newPool(IERC20 t) internal returns (RewardPool) {
        address[] memory callers = new address[](1);
        callers[0] = market;
        return new RewardPool(gov, callers, t, treasury, _sources(), PERIOD);
    }

    function _sources() internal view returns (address[4] memory s) {
        s[uint256(IStakeObserver.StakeClass.Governor)] = govSource;
        s[uint256(IStakeObserver.StakeClass.Provider)] = providerSource;
        s[uint256(IStakeObserver.StakeClass.Sidecar)] = sidecarSource;
        s[uint256(IStakeObserver.StakeClass.Requester)] = requesterSource;
    }

    function _source(IStakeObserver.StakeClass c) internal view returns (address) {
        return _sources()[uint256(c)];
    }

    function _stake(IStakeObserver.StakeClass c, address account, address key, uint256 amount) internal {
        uint256 old = pool.stakeOf(c, account, key);
        vm.prank(_source(c));
        pool.onStakeChanged(c, account, key, old, amount);
    }

    function _depositM(uint256 amount) internal {
        vm.prank(funder);
        pool.depositMzku(amount);
    }

    function _depositE(uint256 amount) internal {
        vm.prank(funder);
        pool.depositEth{value: amount}();
    }

    /// @dev Warps to `offset` seconds into the period after the current one.
    function _toNextPeriod(uint256 offset) internal {
        pool.sync(); // starts a due period so that `period()` is current
        (, uint256 start, uint256 length,) = pool.period();
        vm.warp(start + length + offset);
    }
}

/// @notice An ETH receiver that tries to re-enter the pool when paid.
contract HostileReceiver {
    RewardPool internal immutable _pool;
    IStakeObserver.StakeClass internal _class;
    address internal _key;
    bool public reentered;
    bool public reentrySucceeded;
    bool public refuse;

    constructor(RewardPool pool_) {
        _pool = pool_;
    }

    function setRefuse(bool r) external {
        refuse = r;
    }

    function claim(IStakeObserver.StakeClass c, address key) external returns (uint256, uint256) {
        (_class, _key) = (c, key);
        return _pool.claim(c, key);
    }

    function claimOwed() external returns (uint256, uint256) {
        return _pool.claimOwed();
    }

    receive() external payable {
        if (refuse) revert("no");
        if (reentered) return;
        reentered = true;
        try _pool.claim(_class, _key) {
            reentrySucceeded = true;
        } catch {}
        try _pool.claimOwed() {
            reentrySucceeded = true;
        } catch {}
    }
}

/// @notice An ERC-20 that calls back into the pool from `transfer` (a hostile token).
contract HostileToken is ERC20 {
    RewardPool public pool;
    bool public reentered;
    bool public reentrySucceeded;

    constructor() ERC20("Hostile", "HOST") {
        _mint(msg.sender, 1e30);
    }

    function setPool(RewardPool p) external {
        pool = p;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (address(pool) != address(0) && msg.sender == address(pool) && !reentered) {
            reentered = true;
            try pool.claimOwed() {
                reentrySucceeded = true;
            } catch {}
            try pool.claim(IStakeObserver.StakeClass.Governor, address(0)) {
                reentrySucceeded = true;
            } catch {}
        }
        return super.transfer(to, value);
    }
}
