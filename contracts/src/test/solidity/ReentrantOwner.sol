// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EmailRegistrationMaster} from "EmailRegistrationMaster.sol";

/// @dev A registration owner that tries to withdraw its escrow twice by re-entering the Master
/// from its receive function. Test fixture only.
contract ReentrantOwner {
    EmailRegistrationMaster private immutable _master;
    bytes32 private _localId;
    bool public reentryAttempted;
    bool public reentrySucceeded;

    constructor(EmailRegistrationMaster master_) {
        _master = master_;
    }

    function create(bytes32 localId, address senderServer, uint40 deadline, address recipientServer)
        external
        payable
        returns (address)
    {
        _localId = localId;
        bytes32[] memory commitments = new bytes32[](1);
        commitments[0] = keccak256("recipient");
        address[] memory servers = new address[](1);
        servers[0] = recipientServer;
        return _master.createRegistration{value: msg.value}(
            localId, senderServer, deadline, 1 gwei, keccak256("content"), commitments, servers
        );
    }

    function withdraw() external {
        _master.withdrawEscrow(_localId);
    }

    receive() external payable {
        if (reentryAttempted) return;
        reentryAttempted = true;
        try _master.withdrawEscrow(_localId) {
            reentrySucceeded = true;
        } catch {
            reentrySucceeded = false;
        }
    }
}
