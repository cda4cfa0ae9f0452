// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {EmailRegistration} from "./EmailRegistration.sol";
import {EmailRegistrationFactory} from "./EmailRegistrationFactory.sol";
import {Status} from "./Status.sol";

/// @title Entry point of registered mail: server directory, registrations, records, payments.
/// @notice Mail servers publish their domain and public key here and are approved by a
/// directory admin. Senders create one registration per mail with an escrow; servers record
/// what happens to the mail, alone or in batches, and are reimbursed from that escrow.
/// @dev A registration is genuine when it sits at the CREATE2 address derived from
/// `keccak256(abi.encode(owner, localId))`: deriving it costs a hash, where remembering every
/// registration in a mapping would cost 22,100 gas per mail. Reimbursements are credits the
/// server withdraws later (pull payment): one storage write per batch and no ether transfer,
/// hence no reentrancy, while recording.
contract EmailRegistrationMaster is AccessControl, ReentrancyGuard {
    /// @notice Role allowed to approve and revoke servers in the directory.
    bytes32 public constant DIRECTORY_ADMIN_ROLE = keccak256("DIRECTORY_ADMIN_ROLE");
    /// @notice Longest time a registration may wait for its recipients.
    uint256 public constant MAX_DEADLINE = 10 days;
    /// @notice Longest mail domain name (RFC 1035).
    uint256 public constant MAX_DOMAIN_LENGTH = 253;
    /// @notice Most recipients one registration holds.
    uint256 public constant MAX_RECIPIENTS = 200;

    /// @notice The factory that clones registrations.
    EmailRegistrationFactory public immutable factory;
    /// @notice The EmailRegistration implementation behind every clone.
    address public immutable implementation;
    /// @notice Gas added to each record's measured cost for what the clone cannot measure
    /// itself (its call, calldata, event and the Master's checks).
    uint256 public immutable recordOverheadGas;
    /// @notice Gas of a transaction's fixed part (base cost, credit write), shared among the
    /// records of a batch.
    uint256 public immutable transactionOverheadGas;

    /// @notice One status to record: the registration (by its CREATE2 salt), recipient, status.
    struct Record {
        bytes32 salt;
        uint8 recipientIndex;
        Status status;
    }

    struct Server {
        bytes publicKey;
        string domain;
        bool approved;
    }

    mapping(address => Server) private _servers;
    mapping(bytes32 => address) private _serverByDomain;

    // Credits are stored plus one: a withdrawal leaves the slot at 1, not 0, so the next
    // credit costs 2,900 gas instead of 20,000.
    mapping(address => uint256) private _credits;

    /// @notice A server published (or changed) its domain and public key; approval is reset.
    event ServerRegistered(address indexed server, string domain, bytes publicKey);
    /// @notice A directory admin approved a server.
    event ServerApproved(address indexed server, address indexed admin);
    /// @notice A directory admin revoked a server's approval.
    event ServerRevoked(address indexed server, address indexed admin);
    /// @notice A registration was created. The commitments are salted hashes: nothing in this
    /// event names a person.
    event RegistrationCreated(
        address indexed registration,
        address indexed owner,
        address indexed senderServer,
        bytes32 localId,
        uint40 deadline,
        uint48 feeCap,
        uint256 escrow,
        bytes32 contentCommitment,
        bytes32[] recipientCommitments,
        address[] recipientServers
    );
    /// @notice A batched record was not applied; `reason` is the custom error's selector.
    event RecordRejected(
        address indexed registration, uint8 indexed recipientIndex, Status status, bytes4 reason
    );
    /// @notice A server's credit grew by `amount` wei for the records of one transaction.
    event ServerCredited(address indexed server, uint256 amount);
    /// @notice A server withdrew its credit.
    event CreditWithdrawn(address indexed server, uint256 amount);
    /// @notice The owner took back what was left of a registration's escrow.
    event EscrowWithdrawn(address indexed registration, address indexed owner, uint256 amount);

    /// @dev The public key is not 64 bytes (uncompressed secp256k1 without the 0x04 prefix).
    error InvalidPublicKey();
    /// @dev The public key does not hash to the caller's address.
    error PublicKeyDoesNotMatchSender(address caller);
    /// @dev The domain is empty, too long or not lower case.
    error InvalidDomain(string domain);
    /// @dev Another server already holds the domain.
    error DomainTaken(string domain, address holder);
    /// @dev The address never registered in the directory.
    error UnknownServer(address server);
    /// @dev The server is not (or no longer) approved.
    error NotApprovedServer(address server);
    /// @dev The deadline is not in the future.
    error DeadlineInPast(uint40 deadline);
    /// @dev The deadline is further than MAX_DEADLINE away.
    error DeadlineTooFar(uint40 deadline);
    /// @dev A registration needs at least one recipient.
    error NoRecipients();
    /// @dev More recipients than a registration can hold.
    error TooManyRecipients(uint256 count);
    /// @dev The recipient commitments and servers differ in length.
    error LengthMismatch(uint256 commitments, uint256 servers);
    /// @dev The escrow does not fit the registration's 80-bit balances.
    error EscrowTooLarge(uint256 escrow);
    /// @dev The owner already used this local ID.
    error LocalIdAlreadyUsed(bytes32 localId);
    /// @dev No registration exists at the address derived from the salt.
    error NotGenuineRegistration(address registration);
    /// @dev Nothing to withdraw.
    error NothingToWithdraw();

    constructor(address directoryAdmin, uint256 recordOverheadGas_, uint256 transactionOverheadGas_) {
        _grantRole(DEFAULT_ADMIN_ROLE, directoryAdmin);
        _grantRole(DIRECTORY_ADMIN_ROLE, directoryAdmin);
        recordOverheadGas = recordOverheadGas_;
        transactionOverheadGas = transactionOverheadGas_;
        implementation = address(new EmailRegistration());
        factory = new EmailRegistrationFactory(implementation);
    }

    // ---------------------------------------------------------------- directory

    /// @notice Publishes the caller's mail domain and public key; a directory admin must then
    /// approve it. Changing either resets the approval.
    /// @param domain lower-case mail domain, e.g. "example.org"
    /// @param publicKey 64-byte uncompressed secp256k1 key (x ‖ y) whose hash is the caller
    function registerServer(string calldata domain, bytes calldata publicKey) external {
        if (publicKey.length != 64) revert InvalidPublicKey();
        if (address(uint160(uint256(keccak256(publicKey)))) != msg.sender) {
            revert PublicKeyDoesNotMatchSender(msg.sender);
        }
        _checkDomain(domain);
        bytes32 domainHash = keccak256(bytes(domain));
        address holder = _serverByDomain[domainHash];
        if (holder != address(0) && holder != msg.sender) revert DomainTaken(domain, holder);

        Server storage server = _servers[msg.sender];
        if (bytes(server.domain).length != 0) delete _serverByDomain[keccak256(bytes(server.domain))];
        _serverByDomain[domainHash] = msg.sender;
        server.domain = domain;
        server.publicKey = publicKey;
        server.approved = false;
        emit ServerRegistered(msg.sender, domain, publicKey);
    }

    /// @notice Approves a registered server. Directory admins only.
    function approveServer(address server) external onlyRole(DIRECTORY_ADMIN_ROLE) {
        if (_servers[server].publicKey.length == 0) revert UnknownServer(server);
        _servers[server].approved = true;
        emit ServerApproved(server, msg.sender);
    }

    /// @notice Withdraws a server's approval: it can no longer record or be chosen.
    /// Directory admins only.
    function revokeServer(address server) external onlyRole(DIRECTORY_ADMIN_ROLE) {
        if (_servers[server].publicKey.length == 0) revert UnknownServer(server);
        _servers[server].approved = false;
        emit ServerRevoked(server, msg.sender);
    }

    /// @notice A server's directory entry (empty domain when unknown).
    function serverInfo(address server)
        external
        view
        returns (string memory domain, bytes memory publicKey, bool approved)
    {
        Server storage s = _servers[server];
        return (s.domain, s.publicKey, s.approved);
    }

    /// @notice The server holding a domain (zero address when none).
    function serverForDomain(string calldata domain)
        external
        view
        returns (address server, bytes memory publicKey, bool approved)
    {
        server = _serverByDomain[keccak256(bytes(domain))];
        Server storage s = _servers[server];
        return (server, s.publicKey, s.approved);
    }

    // ---------------------------------------------------------------- registrations

    /// @notice The CREATE2 salt of the registration `owner` creates with `localId`.
    function registrationSalt(address owner, bytes32 localId) public pure returns (bytes32) {
        return keccak256(abi.encode(owner, localId));
    }

    /// @notice The address of the registration `owner` creates with `localId`, mined or not.
    function registrationAddress(address owner, bytes32 localId) public view returns (address) {
        return _predict(registrationSalt(owner, localId));
    }

    /// @notice Whether a registration exists at the address derived from `salt`.
    function isRegistration(address registration, bytes32 salt) external view returns (bool) {
        return registration == _predict(salt) && registration.code.length != 0;
    }

    /// @notice Creates the registration of one mail; `msg.value` becomes its escrow.
    /// @param localId the sender's unique ID for this mail (timestamp and sequence number)
    /// @param senderServer the approved server the mail is submitted to
    /// @param deadline unix time after which recipients not downloaded may expire
    /// @param feeCap highest gas price, in wei, at which servers are reimbursed (48 bits)
    /// @param contentCommitment keccak256(salt ‖ contentHash)
    /// @param recipientCommitments per recipient keccak256(salt ‖ lower-case address)
    /// @param recipientServers per recipient the approved server of its domain, or zero when
    /// the domain has none (its trail then ends at HANDED_OFF)
    /// @return registration the new clone's address, equal to registrationAddress(sender, localId)
    function createRegistration(
        bytes32 localId,
        address senderServer,
        uint40 deadline,
        uint48 feeCap,
        bytes32 contentCommitment,
        bytes32[] calldata recipientCommitments,
        address[] calldata recipientServers
    ) external payable returns (address registration) {
        _checkTerms(senderServer, deadline, recipientCommitments.length, recipientServers);

        bytes32 salt = registrationSalt(msg.sender, localId);
        if (_predict(salt).code.length != 0) revert LocalIdAlreadyUsed(localId);
        registration = factory.create(salt);
        EmailRegistration(registration).initialize(
            senderServer, deadline, feeCap, msg.value, recipientServers
        );
        emit RegistrationCreated(
            registration, msg.sender, senderServer, localId, deadline, feeCap, msg.value,
            contentCommitment, recipientCommitments, recipientServers
        );
    }

    /// @notice Adds `msg.value` to a registration's escrow. Anyone may pay.
    function topUp(bytes32 salt) external payable {
        if (msg.value > type(uint80).max) revert EscrowTooLarge(msg.value);
        _genuine(salt).topUp(msg.value);
    }

    /// @notice Records EXPIRED for a recipient not downloaded by the deadline. Anyone may call
    /// it, so the timeout never depends on a server's good will; it is not reimbursed.
    function expire(bytes32 salt, uint8 recipientIndex) external {
        _genuine(salt).expire(msg.sender, recipientIndex);
    }

    // ---------------------------------------------------------------- records

    /// @notice Records one status as the calling server; reverts with the broken rule.
    function record(Record calldata r) external {
        _requireApproved(msg.sender);
        uint256 paid = _genuine(r.salt).record(
            msg.sender, r.recipientIndex, r.status, recordOverheadGas + transactionOverheadGas
        );
        _credit(paid);
    }

    // `recordOverheadGas` prices a record whose registration and recipient slot the transaction
    // touches for the first time. In a batch, a record right after one of the same registration
    // finds the clone's account warm (EIP-2929: 100 gas instead of 2,600 for the code-size
    // check); right after a recorded one for the same recipient, it also writes a slot already
    // written in this transaction (EIP-2200: 100 instead of 2,900), a write the clone makes
    // after it measured itself. Measured from receipts, the two save 2,340 and 2,740 gas (the
    // EIPs' 2,500 and 2,800 less what the loop spends on a repeat). The outbox sorts a batch by
    // registration, recipient and status so that every repeat follows its like; an unsorted
    // batch is paid as if nothing repeated, as before.
    uint256 private constant WARM_REGISTRATION_GAS_SAVED = 2_340;
    uint256 private constant WRITTEN_RECIPIENT_GAS_SAVED = 2_740;
    uint256 private constant NO_RECIPIENT = type(uint256).max;

    /// @notice Records many statuses for many registrations in one transaction. A record that
    /// breaks a rule (or is already on chain) is skipped with RecordRejected and not paid, so
    /// one stale record never blocks the others and a retried batch is harmless.
    function recordBatch(Record[] calldata records) external {
        _requireApproved(msg.sender);
        uint256 overheadGas = recordOverheadGas + transactionOverheadGas / records.length;
        uint256 paid;
        bytes32 previousSalt;
        uint256 writtenRecipient = NO_RECIPIENT; // the previous record's, if it landed
        for (uint256 i = 0; i < records.length; ++i) {
            Record calldata r = records[i];
            bytes32 salt = r.salt;
            uint8 recipientIndex = r.recipientIndex;
            address registration = _predict(salt);
            if (registration.code.length == 0) {
                emit RecordRejected(
                    registration, recipientIndex, r.status, NotGenuineRegistration.selector
                );
                continue;
            }
            uint256 overhead = overheadGas;
            if (salt == previousSalt) {
                uint256 saved = recipientIndex == writtenRecipient
                    ? WARM_REGISTRATION_GAS_SAVED + WRITTEN_RECIPIENT_GAS_SAVED
                    : WARM_REGISTRATION_GAS_SAVED;
                overhead = overhead > saved ? overhead - saved : 0;
            }
            previousSalt = salt;
            writtenRecipient = NO_RECIPIENT;
            try EmailRegistration(registration).record(msg.sender, recipientIndex, r.status, overhead)
            returns (uint256 reimbursed) {
                paid += reimbursed;
                writtenRecipient = recipientIndex;
            } catch (bytes memory reason) {
                emit RecordRejected(registration, recipientIndex, r.status, bytes4(reason));
            }
        }
        _credit(paid);
    }

    /// @notice Lets `relay` (an approved server) record RELAYED for a registration. The caller
    /// must be the sender's server or a relay authorised before it.
    function authoriseRelay(bytes32 salt, address relay) external {
        _requireApproved(msg.sender);
        _requireApproved(relay);
        uint256 paid = _genuine(salt).authoriseRelay(
            msg.sender, relay, recordOverheadGas + transactionOverheadGas
        );
        _credit(paid);
    }

    // ---------------------------------------------------------------- money

    /// @notice The wei a server may withdraw.
    function creditOf(address server) external view returns (uint256) {
        uint256 stored = _credits[server];
        return stored == 0 ? 0 : stored - 1;
    }

    /// @notice Pays the caller's whole credit to the caller.
    function withdrawCredit() external nonReentrant {
        uint256 stored = _credits[msg.sender];
        if (stored <= 1) revert NothingToWithdraw();
        _credits[msg.sender] = 1;
        emit CreditWithdrawn(msg.sender, stored - 1);
        Address.sendValue(payable(msg.sender), stored - 1);
    }

    /// @notice Pays the owner what is left of the escrow once every recipient is final.
    /// @param localId the local ID the caller created the registration with; only its owner
    /// derives the registration's address from it.
    function withdrawEscrow(bytes32 localId) external nonReentrant {
        bytes32 salt = registrationSalt(msg.sender, localId);
        EmailRegistration registration = _genuine(salt);
        uint256 amount = registration.close();
        if (amount == 0) revert NothingToWithdraw();
        emit EscrowWithdrawn(address(registration), msg.sender, amount);
        Address.sendValue(payable(msg.sender), amount);
    }

    // ---------------------------------------------------------------- internals

    function _checkTerms(
        address senderServer,
        uint40 deadline,
        uint256 recipients,
        address[] calldata recipientServers
    ) private view {
        _requireApproved(senderServer);
        if (deadline <= block.timestamp) revert DeadlineInPast(deadline);
        if (deadline > block.timestamp + MAX_DEADLINE) revert DeadlineTooFar(deadline);
        if (recipients == 0) revert NoRecipients();
        if (recipients > MAX_RECIPIENTS) revert TooManyRecipients(recipients);
        if (recipients != recipientServers.length) {
            revert LengthMismatch(recipients, recipientServers.length);
        }
        if (msg.value > type(uint80).max) revert EscrowTooLarge(msg.value);
        for (uint256 i = 0; i < recipients; ++i) {
            address server = recipientServers[i];
            if (server != address(0)) _requireApproved(server);
        }
    }

    function _checkDomain(string calldata domain) private pure {
        bytes calldata b = bytes(domain);
        if (b.length == 0 || b.length > MAX_DOMAIN_LENGTH) revert InvalidDomain(domain);
        for (uint256 i = 0; i < b.length; ++i) {
            bytes1 c = b[i];
            bool ok = (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-" || c == ".";
            if (!ok) revert InvalidDomain(domain);
        }
    }

    function _requireApproved(address server) private view {
        if (!_servers[server].approved) revert NotApprovedServer(server);
    }

    function _predict(bytes32 salt) private view returns (address) {
        return Clones.predictDeterministicAddress(implementation, salt, address(factory));
    }

    function _genuine(bytes32 salt) private view returns (EmailRegistration registration) {
        address at = _predict(salt);
        if (at.code.length == 0) revert NotGenuineRegistration(at);
        return EmailRegistration(at);
    }

    function _credit(uint256 amount) private {
        if (amount == 0) return;
        uint256 stored = _credits[msg.sender];
        _credits[msg.sender] = (stored == 0 ? 1 : stored) + amount;
        emit ServerCredited(msg.sender, amount);
    }
}
