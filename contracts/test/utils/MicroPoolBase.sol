// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {Test} from "forge-std/Test.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {DepositContract} from "../../src/deposit/DepositContract.sol";
import {DepositDataRoot} from "../../src/deposit/DepositDataRoot.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolFactory} from "../../src/pools/micro/MicroPoolFactory.sol";
import {RegistryDouble, RewardPoolDouble, InsurancePoolDouble, FeeQuoteDouble} from "./MicroPoolDoubles.sol";
import {DepositVector, DepositVectors} from "../fixtures/DepositVectors.sol";

/// @dev Deploys the deposit contract, MZKU, the doubles and the factory; helpers to open, fill and start.
abstract contract MicroPoolBase is Test {
    uint256 internal constant FP = 800 ether; // MZKU for a whole validator: 4 ETH pays exactly 100 MZKU
    uint256 internal constant MZKU_PER_USER = 1_000_000 ether;

    address internal governance = makeAddr("governance");
    uint256 internal coSignerKey = 0xC051;
    address internal coSigner;
    address internal provider = makeAddr("provider"); // trusted: k = 0
    address internal provider16 = makeAddr("provider16"); // untrusted: k = 16 ETH
    address internal provider2 = makeAddr("provider2"); // the migration target

    MzkuToken internal mzku;
    DepositContract internal depositContract;
    RegistryDouble internal registry;
    RewardPoolDouble internal rewardPool;
    InsurancePoolDouble internal insurance;
    FeeQuoteDouble internal quote;
    MicroPoolFactory internal factory;
    uint256 internal providerId;
    uint256 internal provider16Id;
    uint256 internal provider2Id;

    function setUp() public virtual {
        coSigner = vm.addr(coSignerKey);
        address[] memory holders = new address[](1);
        holders[0] = address(this);
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = 1_000_000_000 ether;
        mzku = new MzkuToken(holders, amounts);
        depositContract = new DepositContract();
        registry = new RegistryDouble();
        rewardPool = new RewardPoolDouble(mzku);
        insurance = new InsurancePoolDouble();
        quote = new FeeQuoteDouble(FP);
        factory = new MicroPoolFactory(
            governance,
            new address[](0),
            registry,
            mzku,
            depositContract,
            rewardPool,
            insurance,
            quote,
            coSigner,
            IProjectMarket(makeAddr("market"))
        );
        insurance.setAuthorized(address(factory), true);
        providerId = registry.add(provider, 0, true);
        provider16Id = registry.add(provider16, 16 ether, true);
        provider2Id = registry.add(provider2, 0, true);
        vm.deal(provider, 100 ether);
        vm.deal(provider16, 100 ether);
    }

    function _open(address who, uint256 eth, uint256 duration) internal returns (MicroPool pool) {
        vm.prank(who);
        pool = MicroPool(payable(factory.openPool{value: eth}(uint40(block.timestamp + duration))));
    }

    /// @dev A funded staker with MZKU approved to `pool`.
    function _staker(string memory label, MicroPool pool) internal returns (address who) {
        who = makeAddr(label);
        _fund(who, pool);
    }

    function _fund(address who, MicroPool pool) internal {
        vm.deal(who, who.balance + 100 ether);
        mzku.transfer(who, MZKU_PER_USER);
        vm.prank(who);
        mzku.approve(address(pool), type(uint256).max);
    }

    function _stake(MicroPool pool, address who, uint256 eth) internal {
        vm.prank(who);
        pool.stake{value: eth}();
    }

    function _vector() internal pure returns (DepositVector memory) {
        return DepositVectors.all()[0];
    }

    /// @dev A distinct key per pool (a key is used by one pool only): the vector with the
    ///      (poolId - 1)-th distinct pubkey (the 22 vectors hold 8 distinct keys).
    function _vectorFor(MicroPool pool) internal view returns (DepositVector memory) {
        DepositVector[] memory all = DepositVectors.all();
        uint256 wanted = (pool.poolId() - 1) % 8;
        uint256 seen;
        for (uint256 i = 0; i < all.length; ++i) {
            bool fresh = true;
            for (uint256 j = 0; j < i && fresh; ++j) {
                if (keccak256(all[j].pubkey) == keccak256(all[i].pubkey)) fresh = false;
            }
            if (!fresh) continue;
            if (seen == wanted) return all[i];
            ++seen;
        }
        revert("no vector");
    }

    /// @dev Same, for handlers outside this contract.
    function vectorFor(MicroPool pool) external view returns (DepositVector memory) {
        return _vectorFor(pool);
    }

    /// @dev The SSZ DepositData root of the pool's key with `pool`'s credentials and 32 ETH.
    function _rootFor(MicroPool pool) internal view returns (bytes32) {
        DepositVector memory v = _vectorFor(pool);
        return this.computeRoot(v.pubkey, pool.withdrawalCredentials(), v.signature);
    }

    function computeRoot(bytes calldata pubkey, bytes32 wc, bytes calldata signature) external pure returns (bytes32) {
        return DepositDataRoot.compute(pubkey, wc, 32e9, signature);
    }

    function _setDepositData(MicroPool pool) internal {
        DepositVector memory v = _vectorFor(pool);
        bytes32 root = _rootFor(pool);
        bytes memory co = _approveKey(address(pool), v.pubkey, root);
        vm.prank(pool.operator());
        pool.setDepositData(v.pubkey, v.signature, root, co);
    }

    function _activate(MicroPool pool) internal {
        DepositVector memory v = _vectorFor(pool);
        bytes32 root = depositContract.get_deposit_root();
        pool.activate(v.pubkey, v.signature, root, _approveActivation(address(pool), v.pubkey, root));
    }

    /// @dev The co-signer's approval of an activation at deposit root `depositRoot`.
    function _approveActivation(address pool, bytes memory pubkey, bytes32 depositRoot)
        internal
        view
        returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(coSignerKey, factory.activationDigest(pool, keccak256(pubkey), depositRoot));
        return abi.encodePacked(r, s, v);
    }

    /// @dev Same, for handlers outside this contract.
    function approveActivation(address pool, bytes calldata pubkey, bytes32 depositRoot)
        external
        view
        returns (bytes memory)
    {
        return _approveActivation(pool, pubkey, depositRoot);
    }

    /// @dev Moves past enough time that `distribute` may take `amount` (the reward rate limit).
    function _warpForRewards(MicroPool pool, uint256 amount) internal {
        uint256 rate = pool.MAX_REWARD_PER_SECOND();
        vm.warp(block.timestamp + (amount + rate - 1) / rate);
    }

    /// @dev Distributes everything pending, waiting out the reward rate limit (chunks of at most
    ///      MAX_DISTRIBUTION).
    function _distribute(MicroPool pool) internal {
        while (address(pool).balance > pool.reserved()) {
            uint256 pending = address(pool).balance - pool.reserved();
            uint256 chunk = pending < pool.MAX_DISTRIBUTION() ? pending : pool.MAX_DISTRIBUTION();
            _warpForRewards(pool, chunk);
            pool.distribute();
        }
    }

    /// @dev ETH arriving from the consensus layer (withdrawals run no code).
    function _withdrawal(MicroPool pool, uint256 amount) internal {
        vm.deal(address(pool), address(pool).balance + amount);
    }

    /// @dev Opens a trusted-provider pool, 8 stakers × 4 ETH, deposit data, activated.
    function _activePool8() internal returns (MicroPool pool, address[] memory stakers) {
        pool = _open(provider, 0, 365 days);
        stakers = new address[](8);
        for (uint256 i = 0; i < 8; ++i) {
            stakers[i] = _staker(string.concat("staker", vm.toString(i)), pool);
            _stake(pool, stakers[i], 4 ether);
        }
        _setDepositData(pool);
        _activate(pool);
    }

    function _coSign(address pool, uint256 newProviderId, uint256 deadline) internal view returns (bytes memory) {
        bytes32 digest = factory.migrationDigest(pool, newProviderId, factory.migrationNonce(pool), deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(coSignerKey, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev The current co-signer's consent to be replaced by `newCoSigner`.
    function _consent(address newCoSigner) internal view returns (bytes memory) {
        bytes32 digest = factory.coSignerChangeDigest(newCoSigner, factory.coSignerChangeNonce(), block.timestamp);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(coSignerKey, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev The platform co-signer's approval of a deposit key for a pool.
    function _approveKey(address pool, bytes memory pubkey, bytes32 root) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(coSignerKey, factory.depositKeyDigest(pool, keccak256(pubkey), root));
        return abi.encodePacked(r, s, v);
    }

    /// @dev Same, signed by the key `signerKey` (for handlers outside this contract).
    function approveKey(address pool, bytes calldata pubkey, bytes32 root) external view returns (bytes memory) {
        return _approveKey(pool, pubkey, root);
    }
}
