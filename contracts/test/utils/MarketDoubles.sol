// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IProviderRegistry} from "../../src/interfaces/IProviderRegistry.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IInsurancePool} from "../../src/interfaces/IInsurancePool.sol";
import {IRewardPool} from "../../src/interfaces/IRewardPool.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {NodeStatus, Resources, TrustTier} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice Test double of the ProviderRegistry: same surface, storage shaped like a real one.
///         Collateral is real MZKU held here so `slashCollateral` moves tokens.
contract MarketRegistryDouble is IProviderRegistry {
    IERC20 public immutable token;
    uint256 public pMin = 1000 ether;
    uint256 public disqualifyBelow;
    uint64 public disqualifyPeriod = 30 days;
    mapping(uint256 => Provider) internal _p;
    mapping(address => uint256) public override providerIdOf;
    mapping(uint256 => uint256) public lastScore;
    mapping(uint256 => uint256) public reservedOf;
    mapping(address => bool) public authorized;
    uint256 public override providerCount;

    constructor(IERC20 token_) {
        token = token_;
    }

    function setAuthorized(address a, bool on) external {
        authorized[a] = on;
    }

    function setDisqualifyBelow(uint256 s) external {
        disqualifyBelow = s;
    }

    /// @notice Registers and qualifies a provider; `collateral` must have been sent to this contract.
    function add(address owner, uint128 priceCap, uint128 collateral, Resources memory cap, uint32 maxNodes)
        external
        returns (uint256 id)
    {
        id = ++providerCount;
        providerIdOf[owner] = id;
        Provider storage p = _p[id];
        p.owner = owner;
        p.tier = TrustTier.Trusted;
        p.qualified = true;
        p.maxNodes = maxNodes;
        p.priceCap = priceCap;
        p.collateral = collateral;
        p.capacity = cap;
    }

    function setQualified(uint256 id, bool q) external {
        _p[id].qualified = q;
    }

    function setDisqualifiedUntil(uint256 id, uint64 t) external {
        _p[id].disqualifiedUntil = t;
    }

    function setUsed(uint256 id, Resources memory used, uint32 activeNodes) external {
        _p[id].used = used;
        _p[id].activeNodes = activeNodes;
    }

    function setPriceCap(uint256 id, uint128 cap) external {
        _p[id].priceCap = cap;
    }

    function qualifiedProviders(uint256 offset, uint256 limit) external view returns (uint256[] memory ids) {
        uint256[] memory all = new uint256[](providerCount);
        uint256 q;
        for (uint256 id = 1; id <= providerCount; ++id) {
            if (_p[id].qualified) all[q++] = id;
        }
        uint256 n = offset >= q ? 0 : q - offset;
        if (n > limit) n = limit;
        ids = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            ids[i] = all[offset + i];
        }
    }

    function qualifiedCount() external view returns (uint256 count) {
        for (uint256 id = 1; id <= providerCount; ++id) {
            if (_p[id].qualified) ++count;
        }
    }

    function getProvider(uint256 id) external view returns (Provider memory) {
        require(id != 0 && id <= providerCount, "unknown");
        return _p[id];
    }

    function isEligible(uint256 id) public view returns (bool) {
        Provider storage p = _p[id];
        return p.qualified && p.disqualifiedUntil <= block.timestamp && p.collateral >= pMin;
    }

    function ethShareOf(uint256 id) external view returns (uint256) {
        return _p[id].ethShare;
    }

    function isEligibleFor(uint256 id, uint256 reserve) external view returns (bool) {
        return isEligible(id) && _p[id].collateral - reservedOf[id] >= reserve;
    }

    function isQualifiedNow(uint256 id) external view returns (bool) {
        return _p[id].qualified && _p[id].disqualifiedUntil <= block.timestamp;
    }

    function reserveCollateral(uint256 id, uint256 amount) external {
        require(authorized[msg.sender], "unauthorized");
        require(_p[id].collateral - reservedOf[id] >= amount, "free collateral");
        reservedOf[id] += amount;
    }

    function releaseCollateral(uint256 id, uint256 amount) external {
        require(authorized[msg.sender], "unauthorized");
        reservedOf[id] -= amount;
    }

    function hasFreeCapacity(uint256 id, Resources calldata r) external view returns (bool) {
        Provider storage p = _p[id];
        return p.activeNodes < p.maxNodes && p.used.cpuCores + r.cpuCores <= p.capacity.cpuCores
            && p.used.ramGb + r.ramGb <= p.capacity.ramGb && p.used.storageGb + r.storageGb <= p.capacity.storageGb
            && p.used.bandwidthMbps + r.bandwidthMbps <= p.capacity.bandwidthMbps;
    }

    function onNodeOpened(uint256, Resources calldata) external pure {}

    function onNodeClosed(uint256, Resources calldata) external pure {}

    function slashCollateral(uint256 id, uint256 amount, address to) external returns (uint256 slashed) {
        require(authorized[msg.sender], "unauthorized");
        require(amount <= reservedOf[id], "above reserved");
        Provider storage p = _p[id];
        slashed = amount;
        p.collateral -= uint128(slashed);
        reservedOf[id] -= amount;
        token.transfer(to, slashed);
    }

    function reportScore(uint256 id, uint256 score) external {
        require(authorized[msg.sender], "unauthorized");
        lastScore[id] = score;
        if (score < disqualifyBelow) _p[id].disqualifiedUntil = uint64(block.timestamp) + disqualifyPeriod;
    }
}

    /// @notice Test double of the NodeRegistry.
    contract MarketNodeRegistryDouble is INodeRegistry {
        mapping(uint256 => Node) internal _n;
        uint256 public override nodeCount;

        function add(uint256 providerId, address sidecar, NodeStatus status) external returns (uint256 id) {
            id = ++nodeCount;
            _n[id].resources = Resources(4, 16, 100, 100);
            _n[id].providerId = providerId;
            _n[id].sidecar = sidecar;
            _n[id].status = status;
        }

        function setStatus(uint256 id, NodeStatus s) external {
            _n[id].status = s;
        }

        function getNode(uint256 id) external view returns (Node memory) {
            require(id != 0 && id <= nodeCount, "unknown node");
            return _n[id];
        }

        function nodeIdOfSidecar(address) external pure returns (uint256) {
            return 0;
        }

        mapping(uint256 => address) internal _holder;
        mapping(uint256 => uint256) internal _assignment;

        function lockOf(uint256 id) external view returns (address, uint256) {
            return (_holder[id], _assignment[id]);
        }

        function lockNode(uint256 id, uint64 assignment)
            external
            returns (uint256, address, NodeStatus, Resources memory)
        {
            require(_holder[id] == address(0), "locked");
            _holder[id] = msg.sender;
            _assignment[id] = assignment;
            Node memory n = _n[id];
            return (n.providerId, n.sidecar, n.status, n.resources);
        }

        function unlockNode(uint256 id, bool fail) external {
            require(_holder[id] == msg.sender, "not the locker");
            (_holder[id], _assignment[id]) = (address(0), 0);
            if (fail && (_n[id].status == NodeStatus.Active || _n[id].status == NodeStatus.Installing)) {
                _n[id].status = NodeStatus.Failed;
            }
        }

        function failNode(uint256 id) external {
            _n[id].status = NodeStatus.Failed;
        }

        function setStakedEth(uint256 id, uint128 a) external {
            _n[id].stakedEth = a;
        }

        function setStakedMzku(uint256 id, uint128 a) external {
            _n[id].stakedMzku = a;
        }

        function setCollectedRewards(uint256 id, uint128 a) external {
            _n[id].collectedRewards = a;
        }
    }

        /// @notice Test double of both pools: pulls MZKU deposits, pays compensation from its balance.
        contract MarketPoolDouble is IRewardPool, IInsurancePool {
            // IRewardPool functions this double does not exercise (the real RewardPool implements them).
            mapping(address sidecar => uint256) public activeProjects;
            mapping(address account => uint256) public requesterStake;

            function onProjectStarted(address sidecar) external {
                ++activeProjects[sidecar];
            }

            function onProjectEnded(address sidecar) external {
                --activeProjects[sidecar];
            }

            function onProjectStartedWithStake(address sidecar, address requester, uint256 oldStake, uint256 newStake)
                external
            {
                require(requesterStake[requester] == oldStake, "old amount");
                requesterStake[requester] = newStake;
                ++activeProjects[sidecar];
            }

            function claim(IStakeObserver.StakeClass, address) external pure returns (uint256, uint256) {
                return (0, 0);
            }

            function claimable(IStakeObserver.StakeClass, address, address) external pure returns (uint256, uint256) {
                return (0, 0);
            }

            IERC20 public immutable token;
            uint256 public depositedMzku;
            uint256 public compensatedMzku;
            mapping(address => bool) public authorized;

            constructor(IERC20 token_) {
                token = token_;
            }

            function setAuthorized(address a, bool on) external {
                authorized[a] = on;
            }

            function depositMzku(uint256 amount) external virtual override(IRewardPool, IInsurancePool) {
                depositedMzku += amount;
                token.transferFrom(msg.sender, address(this), amount);
            }

            function depositEth() external payable override(IRewardPool, IInsurancePool) {}

            function compensateEth(address, uint256) external pure returns (uint256) {
                return 0;
            }

            function compensateMzku(address to, uint256 amount) external returns (uint256 paid) {
                require(authorized[msg.sender], "unauthorized");
                uint256 bal = token.balanceOf(address(this));
                paid = amount > bal ? bal : amount;
                compensatedMzku += paid;
                token.transfer(to, paid);
            }

            function onStakeChanged(
                IStakeObserver.StakeClass class,
                address account,
                address,
                uint256 oldAmount,
                uint256 newAmount
            ) external {
                require(class == IStakeObserver.StakeClass.Requester, "only requester stakes come from the market");
                require(requesterStake[account] == oldAmount, "old amount");
                requesterStake[account] = newAmount;
            }
        }

        /// @notice A pool that tries to re-enter the market when it is paid.
        contract MarketHostilePool is MarketPoolDouble {
            address public target;
            bytes public payload;
            bool public reentered;
            bytes public revertData;

            constructor(IERC20 token_) MarketPoolDouble(token_) {}

            function arm(address target_, bytes calldata payload_) external {
                target = target_;
                payload = payload_;
            }

            function depositMzku(uint256 amount) external override {
                depositedMzku += amount;
                token.transferFrom(msg.sender, address(this), amount);
                if (target != address(0)) {
                    (bool ok, bytes memory ret) = target.call(payload);
                    reentered = ok;
                    revertData = ret;
                }
            }
        }
