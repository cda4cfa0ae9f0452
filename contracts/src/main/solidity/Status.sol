// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Per-recipient statuses of a registered mail, aligned with ETSI REM evidence events.
/// @dev The numeric values are part of the protocol: outbox records, events and evidence
/// bundles carry them. Append only; never reorder.
enum Status {
    NONE,
    SUBMITTED,
    HANDED_OFF,
    RELAYED,
    DELIVERED,
    DELIVERED_ALTERED,
    REJECTED,
    DOWNLOADED,
    READ,
    DELETED,
    EXPIRED
}
