// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Status} from "Status.sol";

/// @notice The server directory the naive contract asks whether a server is approved: the
/// Master's, so both designs are checked against the same directory.
interface IServerDirectory {
    function serverInfo(address server)
        external
        view
        returns (string memory domain, bytes memory publicKey, bool approved);
}

/// @title BENCHMARK BASELINE ONLY — the rules of one registered mail, written the obvious way.
/// @notice One fully deployed contract per mail: no clone, no CREATE2 derivation, no packed
/// slots, every fact in its own storage slot (commitments, per-status timestamps), each
/// reimbursement pushed to the server as an ether transfer, no batching across mails. It
/// exists to show what the tricks of contracts/ save; it is not audited and never deployed.
contract NaiveRegisteredMail {
    uint256 public constant MAX_RECIPIENTS = 200;
    uint256 public constant MAX_DEADLINE = 10 days;
    /// @notice Gas the contract cannot measure itself (transaction base, calldata, transfer).
    uint256 public constant OVERHEAD_GAS = 30_000;

    struct Recipient {
        bytes32 commitment;
        address server;
        uint256 escrow;
    }

    IServerDirectory public directory;
    address public owner;
    address public senderServer;
    uint256 public deadline;
    uint256 public feeCap;
    bytes32 public contentCommitment;
    Recipient[] public recipients;
    /// recipient index => status => time it was recorded (0 = not yet)
    mapping(uint256 => mapping(Status => uint256)) public recordedAt;
    mapping(address => bool) public authorisedRelay;
    mapping(address => mapping(uint256 => bool)) public relayedBy;

    event StatusRecorded(uint256 indexed recipientIndex, Status indexed status,
        address indexed server, uint256 reimbursed);
    event RelayAuthorised(address indexed relay, address indexed by);

    error NotApprovedServer(address server);
    error BadTerms();
    error RecipientIndexOutOfRange(uint256 recipientIndex);
    error NotSenderServer(address caller);
    error NotRecipientServer(address caller, uint256 recipientIndex);
    error NotAuthorisedRelay(address caller);
    error NotPreviousHop(address caller);
    error StatusAlreadyRecorded(uint256 recipientIndex, Status status);
    error StatusOutOfOrder(uint256 recipientIndex, Status status);
    error RecipientFinal(uint256 recipientIndex);
    error DeadlineNotReached(uint256 deadline);
    error AlreadyDownloaded(uint256 recipientIndex);
    error InvalidStatus(Status status);
    error RecipientNotFinal(uint256 recipientIndex);
    error NotOwner(address caller);
    error TransferFailed(address to);

    /// @notice Creates the registration of one mail; `msg.value` becomes its escrow.
    constructor(
        IServerDirectory directory_,
        address senderServer_,
        uint256 deadline_,
        uint256 feeCap_,
        bytes32 contentCommitment_,
        bytes32[] memory recipientCommitments,
        address[] memory recipientServers
    ) payable {
        directory = directory_;
        _requireApproved(senderServer_);
        uint256 count = recipientCommitments.length;
        if (deadline_ <= block.timestamp || deadline_ > block.timestamp + MAX_DEADLINE
            || count == 0 || count > MAX_RECIPIENTS || count != recipientServers.length) {
            revert BadTerms();
        }
        owner = msg.sender;
        senderServer = senderServer_;
        deadline = deadline_;
        feeCap = feeCap_;
        contentCommitment = contentCommitment_;
        for (uint256 i = 0; i < count; ++i) {
            if (recipientServers[i] != address(0)) _requireApproved(recipientServers[i]);
            uint256 share = msg.value / count + (i == 0 ? msg.value % count : 0);
            recipients.push(Recipient(recipientCommitments[i], recipientServers[i], share));
        }
    }

    /// @notice Records `status` for a recipient as the calling server and pays it back.
    function record(uint256 recipientIndex, Status status) external {
        uint256 startGas = gasleft();
        _requireApproved(msg.sender);
        if (recipientIndex >= recipients.length) revert RecipientIndexOutOfRange(recipientIndex);
        Recipient storage r = recipients[recipientIndex];
        if (status == Status.SUBMITTED || status == Status.HANDED_OFF) {
            if (msg.sender != senderServer) revert NotSenderServer(msg.sender);
            if (status == Status.HANDED_OFF && recordedAt[recipientIndex][Status.SUBMITTED] == 0) {
                revert StatusOutOfOrder(recipientIndex, status);
            }
        } else if (status == Status.RELAYED) {
            if (!authorisedRelay[msg.sender]) revert NotAuthorisedRelay(msg.sender);
            if (relayedBy[msg.sender][recipientIndex]) {
                revert StatusAlreadyRecorded(recipientIndex, status);
            }
            relayedBy[msg.sender][recipientIndex] = true;
        } else if (status == Status.EXPIRED) {
            if (msg.sender != r.server) revert NotRecipientServer(msg.sender, recipientIndex);
            _checkExpiry(recipientIndex);
        } else if (status != Status.NONE && uint8(status) <= uint8(Status.DELETED)) {
            if (msg.sender != r.server) revert NotRecipientServer(msg.sender, recipientIndex);
            _checkRecipientSide(recipientIndex, status);
        } else {
            revert InvalidStatus(status);
        }
        if (status != Status.RELAYED && recordedAt[recipientIndex][status] != 0) {
            revert StatusAlreadyRecorded(recipientIndex, status);
        }
        if (recordedAt[recipientIndex][Status.EXPIRED] != 0) revert RecipientFinal(recipientIndex);
        recordedAt[recipientIndex][status] = block.timestamp;

        uint256 price = tx.gasprice < feeCap ? tx.gasprice : feeCap;
        uint256 amount = (startGas - gasleft() + OVERHEAD_GAS) * price;
        if (amount > r.escrow) amount = r.escrow;
        r.escrow -= amount;
        emit StatusRecorded(recipientIndex, status, msg.sender, amount);
        _pay(msg.sender, amount);
    }

    /// @notice Lets `relay` record RELAYED; the caller must be the previous hop.
    function authoriseRelay(address relay) external {
        if (msg.sender != senderServer && !authorisedRelay[msg.sender]) {
            revert NotPreviousHop(msg.sender);
        }
        _requireApproved(relay);
        authorisedRelay[relay] = true;
        emit RelayAuthorised(relay, msg.sender);
    }

    /// @notice Anyone records EXPIRED for a recipient never downloaded by the deadline.
    function expire(uint256 recipientIndex) external {
        if (recipientIndex >= recipients.length) revert RecipientIndexOutOfRange(recipientIndex);
        _checkExpiry(recipientIndex);
        recordedAt[recipientIndex][Status.EXPIRED] = block.timestamp;
        emit StatusRecorded(recipientIndex, Status.EXPIRED, msg.sender, 0);
    }

    /// @notice Pays the owner what is left once every recipient is final.
    function withdraw() external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        bool pastDeadline = block.timestamp > deadline;
        uint256 amount;
        for (uint256 i = 0; i < recipients.length; ++i) {
            bool isFinal = recordedAt[i][Status.READ] != 0 || recordedAt[i][Status.DELETED] != 0
                || recordedAt[i][Status.REJECTED] != 0 || recordedAt[i][Status.EXPIRED] != 0
                || (pastDeadline && recordedAt[i][Status.DOWNLOADED] != 0)
                || (recipients[i].server == address(0) && recordedAt[i][Status.HANDED_OFF] != 0);
            if (!isFinal) revert RecipientNotFinal(i);
            amount += recipients[i].escrow;
            recipients[i].escrow = 0;
        }
        _pay(owner, amount);
    }

    function _checkRecipientSide(uint256 i, Status status) private view {
        if (recordedAt[i][Status.REJECTED] != 0 || recordedAt[i][Status.DELETED] != 0) {
            revert RecipientFinal(i);
        }
        bool delivered = recordedAt[i][Status.DELIVERED] != 0
            || recordedAt[i][Status.DELIVERED_ALTERED] != 0;
        if (status == Status.DELIVERED || status == Status.DELIVERED_ALTERED
            || status == Status.REJECTED) {
            if (delivered || recordedAt[i][Status.REJECTED] != 0) {
                revert StatusOutOfOrder(i, status);
            }
        } else if (status == Status.DOWNLOADED || status == Status.DELETED) {
            if (!delivered) revert StatusOutOfOrder(i, status);
        } else if (status == Status.READ) {
            if (recordedAt[i][Status.DOWNLOADED] == 0) revert StatusOutOfOrder(i, status);
        }
    }

    function _checkExpiry(uint256 i) private view {
        if (recordedAt[i][Status.EXPIRED] != 0) revert StatusAlreadyRecorded(i, Status.EXPIRED);
        if (block.timestamp <= deadline) revert DeadlineNotReached(deadline);
        if (recordedAt[i][Status.DOWNLOADED] != 0) revert AlreadyDownloaded(i);
        if (recordedAt[i][Status.READ] != 0 || recordedAt[i][Status.DELETED] != 0
            || recordedAt[i][Status.REJECTED] != 0) {
            revert RecipientFinal(i);
        }
    }

    function _requireApproved(address server) private view {
        (, , bool approved) = directory.serverInfo(server);
        if (!approved) revert NotApprovedServer(server);
    }

    function _pay(address to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok, ) = payable(to).call{value: amount}("");
        if (!ok) revert TransferFailed(to);
    }
}
