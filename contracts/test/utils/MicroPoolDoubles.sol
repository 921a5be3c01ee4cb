// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IProviderRegistry} from "../../src/interfaces/IProviderRegistry.sol";
import {IRewardPool} from "../../src/interfaces/IRewardPool.sol";
import {IInsurancePool} from "../../src/interfaces/IInsurancePool.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @dev Test double of the ProviderRegistry: only what the micro-pools read.
contract RegistryDouble is IProviderRegistry {
    // Qualified-list views the doubles do not exercise (the real ProviderRegistry implements them).
    function qualifiedProviders(uint256, uint256) external pure returns (uint256[] memory ids) {
        return ids;
    }

    function qualifiedCount() external pure returns (uint256) {
        return 0;
    }

    mapping(uint256 => Provider) internal _providers;
    mapping(uint256 => bool) public eligible;
    mapping(address => uint256) public providerIdOf;
    uint256 public providerCount;

    function add(address owner, uint256 k, bool isEligible_) external returns (uint256 id) {
        id = ++providerCount;
        _providers[id].owner = owner;
        _providers[id].ethShare = uint128(k);
        eligible[id] = isEligible_;
        providerIdOf[owner] = id;
    }

    function setEligible(uint256 id, bool e) external {
        eligible[id] = e;
    }

    function getProvider(uint256 id) external view returns (Provider memory) {
        return _providers[id];
    }

    function isEligible(uint256 id) external view returns (bool) {
        return eligible[id];
    }

    function ethShareOf(uint256 id) external view returns (uint256) {
        return _providers[id].ethShare;
    }

    function hasFreeCapacity(uint256, Resources calldata) external pure returns (bool) {
        return true;
    }

    function onNodeOpened(uint256, Resources calldata) external pure {
        return;
    }

    function onNodeClosed(uint256, Resources calldata) external pure {
        return;
    }

    // IProviderRegistry functions the micro-pool does not use.
    function isEligibleFor(uint256, uint256) external pure returns (bool) {
        return false;
    }

    function isQualifiedNow(uint256) external pure returns (bool) {
        return false;
    }

    function reservedOf(uint256) external pure returns (uint256) {
        return 0;
    }

    function reserveCollateral(uint256, uint256) external pure {}

    function releaseCollateral(uint256, uint256) external pure {}

    function slashCollateral(uint256, uint256, address) external pure returns (uint256) {
        return 0;
    }

    function reportScore(uint256, uint256) external pure {
        return;
    }
}

/// @dev Test double of the Reward Pool: keeps what it is given.
contract RewardPoolDouble is IRewardPool {
    // IRewardPool functions this double does not exercise (the real RewardPool implements them).
    function onProjectStarted(address) external {}

    function onProjectEnded(address) external {}

    function onProjectStartedWithStake(address, address, uint256, uint256) external {}

    function claim(IStakeObserver.StakeClass, address) external pure returns (uint256, uint256) {
        return (0, 0);
    }

    function claimable(IStakeObserver.StakeClass, address, address) external pure returns (uint256, uint256) {
        return (0, 0);
    }

    IERC20 public immutable mzku;
    uint256 public ethIn;
    uint256 public mzkuIn;

    constructor(IERC20 mzku_) {
        mzku = mzku_;
    }

    function depositMzku(uint256 amount) external {
        mzkuIn += amount;
        mzku.transferFrom(msg.sender, address(this), amount);
    }

    function depositEth() external payable {
        ethIn += msg.value;
    }

    function onStakeChanged(StakeClass, address, address, uint256, uint256) external {}
}

/// @dev Test double of the Insurance Pool: pays compensation to authorized callers up to its balance.
contract InsurancePoolDouble is IInsurancePool {
    mapping(address => bool) public authorized;
    uint256 public ethIn;
    uint256 public ethPaid;

    function setAuthorized(address who, bool ok) external {
        authorized[who] = ok;
    }

    function depositMzku(uint256) external pure {
        revert("unused");
    }

    function depositEth() external payable {
        ethIn += msg.value;
    }

    mapping(address => uint256) public credited;
    uint256 public totalCredited;

    /// @dev Like the real InsurancePool: pushes to the caller itself, credits anyone else for a later pull.
    function compensateEth(address to, uint256 amount) external returns (uint256 paid) {
        require(authorized[msg.sender], "InsurancePoolDouble: unauthorized");
        uint256 free = address(this).balance - totalCredited;
        paid = amount < free ? amount : free;
        ethPaid += paid;
        if (to != msg.sender) {
            credited[to] += paid;
            totalCredited += paid;
            return paid;
        }
        (bool ok,) = to.call{value: paid}("");
        require(ok, "InsurancePoolDouble: send");
    }

    function compensateMzku(address, uint256) external pure returns (uint256) {
        return 0;
    }

    receive() external payable {}
}

/// @dev Test double of the pricing policy: a fixed FP whatever the resources and duration.
contract FeeQuoteDouble is IPricingPolicy {
    uint256 public fp;

    constructor(uint256 fp_) {
        fp = fp_;
    }

    function set(uint256 fp_) external {
        fp = fp_;
    }

    function quote(Resources calldata, uint256, uint8) external view returns (uint256, uint256) {
        return (fp, 0);
    }

    function unitPricesOf(uint8) external pure returns (UnitPrices memory p) {
        return p;
    }

    function typeTermsOf(uint8) external pure returns (TypeTerms memory t) {
        return t;
    }

    function marketParams() external pure returns (MarketParams memory m) {
        return m;
    }

    function projectLimits() external pure returns (ProjectLimits memory l) {
        return l;
    }

    function mzkuPerEth() external pure returns (uint256) {
        return 0;
    }

    function listProviders(uint256, uint256, Resources calldata, uint256, uint8)
        external
        pure
        returns (ProviderView[] memory rows)
    {
        return rows;
    }
}

/// @dev A plain OpenZeppelin ERC-20: the baseline of the aETH transfer overhead.
contract PlainErc20 is ERC20 {
    constructor() ERC20("Plain", "PLN") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
