// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Status} from "./Status.sol";

/// @title The on-chain life of one registered mail.
/// @notice One clone per mail (EIP-1167). It holds the deadline, the sender's fee cap, the
/// escrow balance and, per recipient, the expected recipient server and the statuses reached.
/// Nothing readable about people is stored: recipients are indexes, their salted commitments
/// live only in the Master's creation event.
/// @dev Every state-changing function is called through the Master, which checks that the
/// caller is an approved server and that this clone is genuine. `master` is an immutable of
/// the implementation, so every clone knows its Master without a storage slot.
contract EmailRegistration {
    /// @notice Upper bound on recipients; relay bookkeeping keeps one bit per recipient.
    uint256 public constant MAX_RECIPIENTS = 200;

    uint256 private constant AUTHORISED_RELAY = 1 << 255;
    uint16 private constant DELIVERED_ANYHOW =
        uint16(1 << uint8(Status.DELIVERED)) | uint16(1 << uint8(Status.DELIVERED_ALTERED));
    uint16 private constant OUTCOME =
        DELIVERED_ANYHOW | uint16(1 << uint8(Status.REJECTED));
    uint16 private constant CLOSED = uint16(1 << uint8(Status.READ))
        | uint16(1 << uint8(Status.DELETED)) | uint16(1 << uint8(Status.REJECTED))
        | uint16(1 << uint8(Status.EXPIRED));

    /// @notice The Master this registration answers to.
    address public immutable master;

    // Slot 0 packs the terms every record reads (sender server, fee cap, deadline, count) into
    // 160 + 48 + 40 + 8 = 256 bits. A 48-bit fee cap still allows 281,474 gwei per gas.
    address private _senderServer;
    uint48 private _feeCap;
    uint40 private _deadline;
    uint8 private _recipientCount;

    /// @dev One slot per recipient: expected server (160 bits), bitmap of the statuses reached
    /// (16 bits, bit n = Status n) and this recipient's share of the escrow (80 bits). Keeping
    /// the share beside the status means a record writes exactly one slot and reads one more
    /// (slot 0); when each had its own slot a record cost about 5,000 gas more. Times are not
    /// stored: every change is an event, and its block carries the time.
    struct Recipient {
        address server;
        uint16 reached;
        uint80 escrow;
    }

    mapping(uint256 => Recipient) private _recipients;

    // Per relay: bit 255 = authorised; bit i = RELAYED already recorded for recipient i.
    mapping(address => uint256) private _relays;

    /// @notice A status was recorded for a recipient; `reimbursed` wei went to `server`'s credit.
    event StatusRecorded(
        uint8 indexed recipientIndex, Status indexed status, address indexed server, uint256 reimbursed
    );
    /// @notice `relay` may now record RELAYED and authorise the next hop.
    event RelayAuthorised(address indexed relay, address indexed by, uint256 reimbursed);
    /// @notice A recipient's share of the escrow ran out; its later records are stored but no
    /// longer reimbursed.
    event EscrowExhausted(uint8 indexed recipientIndex);
    /// @notice The escrow was increased.
    event EscrowToppedUp(uint256 amount, uint256 escrow);

    /// @dev Only the Master may change a registration.
    error NotMaster(address caller);
    /// @dev The clone was already initialised.
    error AlreadyInitialised();
    /// @dev The recipient index is not one of this registration's recipients.
    error RecipientIndexOutOfRange(uint8 recipientIndex, uint8 recipientCount);
    /// @dev Only the sender's server records SUBMITTED and HANDED_OFF.
    error NotSenderServer(address caller);
    /// @dev Only the recipient's expected server records its delivery and what follows.
    error NotRecipientServer(address caller, uint8 recipientIndex);
    /// @dev Only a relay authorised by the previous hop records RELAYED.
    error NotAuthorisedRelay(address caller);
    /// @dev Only the sender's server or an authorised relay may authorise the next relay.
    error NotPreviousHop(address caller);
    /// @dev That status is already recorded for that recipient (by that relay, for RELAYED).
    error StatusAlreadyRecorded(uint8 recipientIndex, Status status);
    /// @dev The status a record needs first has not been recorded.
    error StatusOutOfOrder(uint8 recipientIndex, Status status);
    /// @dev The recipient is final (expired, rejected or deleted): nothing more may be recorded.
    error RecipientFinal(uint8 recipientIndex);
    /// @dev EXPIRED before the deadline.
    error DeadlineNotReached(uint40 deadline);
    /// @dev The recipient was downloaded before the deadline and cannot expire.
    error AlreadyDownloaded(uint8 recipientIndex);
    /// @dev NONE is not a status one can record.
    error InvalidStatus(Status status);
    /// @dev Withdrawal while a recipient may still change.
    error RecipientNotFinal(uint8 recipientIndex);

    modifier onlyMaster() {
        if (msg.sender != master) revert NotMaster(msg.sender);
        _;
    }

    constructor() {
        master = msg.sender;
    }

    /// @notice Sets up a fresh clone. Called once by the Master in the creating transaction.
    /// @dev The Master has validated every argument; a zero recipient server means the
    /// recipient's domain runs no registered server and its trail ends at HANDED_OFF.
    /// The escrow is divided evenly among the recipients (the remainder goes to the first); each
    /// recipient's records are paid from its own share.
    /// Limitation: a recipient with a long trail can run its share dry while others have some
    /// left; its records are then stored unpaid (see EscrowExhausted).
    function initialize(
        address senderServer_,
        uint40 deadline_,
        uint48 feeCap_,
        uint256 escrow,
        address[] calldata recipientServers
    ) external onlyMaster {
        if (_deadline != 0) revert AlreadyInitialised();
        uint256 count = recipientServers.length;
        _senderServer = senderServer_;
        _feeCap = feeCap_;
        _deadline = deadline_;
        _recipientCount = uint8(count);
        uint256 share = escrow / count;
        for (uint256 i = 0; i < count; ++i) {
            uint256 mine = i == 0 ? share + escrow % count : share;
            _recipients[i] = Recipient(recipientServers[i], 0, uint80(mine));
        }
    }

    /// @notice Records `status` for recipient `recipientIndex` on behalf of `server` and pays the
    /// server from that recipient's escrow share for the gas this took plus `overheadGas`, at
    /// the lower of the transaction's gas price and the sender's fee cap.
    /// @return reimbursed the wei credited to the server (less than the cost once the share
    /// runs dry: the record is still stored, so a poor escrow never strands a mail's trail).
    function record(address server, uint8 recipientIndex, Status status, uint256 overheadGas)
        external
        onlyMaster
        returns (uint256 reimbursed)
    {
        uint256 startGas = gasleft();
        Recipient memory r = _recipient(recipientIndex);
        r.reached = _checkAndMark(r, server, recipientIndex, status);
        reimbursed = _charge(r, recipientIndex, startGas, overheadGas);
        _recipients[recipientIndex] = r;
        emit StatusRecorded(recipientIndex, status, server, reimbursed);
    }

    /// @notice Records EXPIRED for a recipient never downloaded by the deadline, on behalf of
    /// anyone. Not reimbursed: whoever calls it outside a server pays their own gas.
    function expire(address caller, uint8 recipientIndex) external onlyMaster {
        Recipient memory r = _recipient(recipientIndex);
        r.reached = _markExpired(r.reached, recipientIndex);
        _recipients[recipientIndex].reached = r.reached;
        emit StatusRecorded(recipientIndex, Status.EXPIRED, caller, 0);
    }

    /// @notice Lets `relay` record RELAYED; `by` must be the sender's server or an authorised
    /// relay (the previous hop). Reimbursed from the first recipient's escrow share.
    function authoriseRelay(address by, address relay, uint256 overheadGas)
        external
        onlyMaster
        returns (uint256 reimbursed)
    {
        uint256 startGas = gasleft();
        if (by != _senderServer && _relays[by] & AUTHORISED_RELAY == 0) revert NotPreviousHop(by);
        _relays[relay] |= AUTHORISED_RELAY;
        Recipient memory first = _recipients[0];
        reimbursed = _charge(first, 0, startGas, overheadGas);
        _recipients[0].escrow = first.escrow;
        emit RelayAuthorised(relay, by, reimbursed);
    }

    /// @notice Adds `amount` wei (held by the Master) to the escrow, divided like at creation.
    function topUp(uint256 amount) external onlyMaster {
        uint256 count = _recipientCount;
        uint256 share = amount / count;
        for (uint256 i = 0; i < count; ++i) {
            _recipients[i].escrow += uint80(i == 0 ? share + amount % count : share);
        }
        emit EscrowToppedUp(amount, _escrowTotal());
    }

    /// @notice Empties the escrow for the owner's withdrawal once every recipient is final.
    /// @dev A recipient is final when it was read, deleted, rejected or expired; when it was
    /// downloaded and the deadline has passed (reading is optional); or when its domain has no
    /// registered server and the mail was handed off.
    /// @return amount the wei the Master pays out to the owner.
    function close() external onlyMaster returns (uint256 amount) {
        uint256 count = _recipientCount;
        bool pastDeadline = block.timestamp > _deadline;
        for (uint256 i = 0; i < count; ++i) {
            Recipient storage r = _recipients[i];
            uint16 reached = r.reached;
            bool isFinal = reached & CLOSED != 0
                || (pastDeadline && _has(reached, Status.DOWNLOADED))
                || (r.server == address(0) && _has(reached, Status.HANDED_OFF));
            if (!isFinal) revert RecipientNotFinal(uint8(i));
            amount += r.escrow;
            r.escrow = 0;
        }
    }

    /// @notice The deadline, fee cap (wei per gas), escrow left (wei), sender server and count.
    function terms()
        external
        view
        returns (uint40 deadline, uint48 feeCap, uint256 escrow, address senderServer, uint8 recipientCount)
    {
        return (_deadline, _feeCap, _escrowTotal(), _senderServer, _recipientCount);
    }

    /// @notice A recipient's expected server, bitmap of statuses reached and escrow share left.
    function recipient(uint8 recipientIndex)
        external
        view
        returns (address server, uint16 reached, uint80 escrow)
    {
        Recipient storage r = _recipients[recipientIndex];
        return (r.server, r.reached, r.escrow);
    }

    /// @notice Whether `status` has been recorded for the recipient.
    function hasStatus(uint8 recipientIndex, Status status) external view returns (bool) {
        return _has(_recipients[recipientIndex].reached, status);
    }

    /// @notice Whether `relay` was authorised by a previous hop.
    function isAuthorisedRelay(address relay) external view returns (bool) {
        return _relays[relay] & AUTHORISED_RELAY != 0;
    }

    function _recipient(uint8 recipientIndex) private view returns (Recipient memory) {
        uint8 count = _recipientCount;
        if (recipientIndex >= count) revert RecipientIndexOutOfRange(recipientIndex, count);
        return _recipients[recipientIndex];
    }

    function _checkAndMark(Recipient memory r, address server, uint8 recipientIndex, Status status)
        private
        returns (uint16)
    {
        uint16 reached = r.reached;
        if (status == Status.SUBMITTED || status == Status.HANDED_OFF) {
            if (server != _senderServer) revert NotSenderServer(server);
            if (_has(reached, status)) revert StatusAlreadyRecorded(recipientIndex, status);
            if (status == Status.HANDED_OFF && !_has(reached, Status.SUBMITTED)) {
                revert StatusOutOfOrder(recipientIndex, status);
            }
        } else if (status == Status.RELAYED) {
            uint256 relay = _relays[server];
            if (relay & AUTHORISED_RELAY == 0) revert NotAuthorisedRelay(server);
            if (relay & (1 << recipientIndex) != 0) revert StatusAlreadyRecorded(recipientIndex, status);
            _relays[server] = relay | (1 << recipientIndex);
        } else if (status == Status.EXPIRED) {
            if (server != r.server) revert NotRecipientServer(server, recipientIndex);
            return _markExpired(reached, recipientIndex);
        } else if (status != Status.NONE && uint8(status) <= uint8(Status.DELETED)) {
            if (server != r.server) revert NotRecipientServer(server, recipientIndex);
            _checkRecipientSide(reached, recipientIndex, status);
        } else {
            revert InvalidStatus(status);
        }

        // Senders' and relays' records may land after the recipient side's (each server
        // publishes on its own schedule), but nothing lands on an expired recipient.
        if (_has(reached, Status.EXPIRED)) revert RecipientFinal(recipientIndex);
        return reached | uint16(1 << uint8(status));
    }

    function _checkRecipientSide(uint16 reached, uint8 recipientIndex, Status status) private pure {
        if (_has(reached, status)) revert StatusAlreadyRecorded(recipientIndex, status);
        if (reached & (uint16(1 << uint8(Status.EXPIRED)) | uint16(1 << uint8(Status.REJECTED))
                | uint16(1 << uint8(Status.DELETED))) != 0) {
            revert RecipientFinal(recipientIndex);
        }
        if (status == Status.DELIVERED || status == Status.DELIVERED_ALTERED || status == Status.REJECTED) {
            if (reached & OUTCOME != 0) revert StatusOutOfOrder(recipientIndex, status);
        } else if (status == Status.DOWNLOADED || status == Status.DELETED) {
            if (reached & DELIVERED_ANYHOW == 0) revert StatusOutOfOrder(recipientIndex, status);
        } else if (status == Status.READ) {
            if (!_has(reached, Status.DOWNLOADED)) revert StatusOutOfOrder(recipientIndex, status);
        }
    }

    function _markExpired(uint16 reached, uint8 recipientIndex) private view returns (uint16) {
        if (_has(reached, Status.EXPIRED)) revert StatusAlreadyRecorded(recipientIndex, Status.EXPIRED);
        if (block.timestamp <= _deadline) revert DeadlineNotReached(_deadline);
        if (_has(reached, Status.DOWNLOADED)) revert AlreadyDownloaded(recipientIndex);
        if (reached & CLOSED != 0) revert RecipientFinal(recipientIndex);
        return reached | uint16(1 << uint8(Status.EXPIRED));
    }

    /// @dev Takes the cost from `r.escrow` in memory; the caller writes `r` back.
    function _charge(Recipient memory r, uint8 recipientIndex, uint256 startGas, uint256 overheadGas)
        private
        returns (uint256 amount)
    {
        uint256 feeCap = _feeCap;
        uint256 price = tx.gasprice < feeCap ? tx.gasprice : feeCap;
        amount = (startGas - gasleft() + overheadGas) * price;
        uint80 escrow = r.escrow;
        if (amount >= escrow) {
            amount = escrow;
            if (escrow != 0) emit EscrowExhausted(recipientIndex);
        }
        r.escrow = escrow - uint80(amount);
    }

    function _escrowTotal() private view returns (uint256 total) {
        uint256 count = _recipientCount;
        for (uint256 i = 0; i < count; ++i) {
            total += _recipients[i].escrow;
        }
    }

    function _has(uint16 reached, Status status) private pure returns (bool) {
        return reached & uint16(1 << uint8(status)) != 0;
    }
}
