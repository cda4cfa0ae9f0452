// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

/// @title Deploys registrations as EIP-1167 minimal proxies at CREATE2 addresses.
/// @notice Only the Master that deployed this factory may create registrations, so every clone
/// at a predicted address was created through the Master's checks.
contract EmailRegistrationFactory {
    /// @notice The Master allowed to create registrations.
    address public immutable master;
    /// @notice The EmailRegistration every clone delegates to.
    address public immutable implementation;

    /// @dev Someone other than the Master tried to create a registration.
    error NotMaster(address caller);

    constructor(address implementation_) {
        master = msg.sender;
        implementation = implementation_;
    }

    /// @notice Deploys a clone of the implementation at the address `predict(salt)`.
    /// @dev Reverts (OpenZeppelin `FailedDeployment`) when that address already holds code.
    function create(bytes32 salt) external returns (address registration) {
        if (msg.sender != master) revert NotMaster(msg.sender);
        registration = Clones.cloneDeterministic(implementation, salt);
    }

    /// @notice The address a clone created with `salt` has, mined or not.
    function predict(bytes32 salt) external view returns (address) {
        return Clones.predictDeterministicAddress(implementation, salt);
    }
}
