package org.regmail.core.store;

import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.h2.jdbcx.JdbcDataSource;
import org.regmail.contracts.Status;

/**
 * The embedded {@link ServerStore}: an H2 database in one file.
 *
 * <p>{@code WRITE_DELAY=0} makes every commit reach the file before the call returns, so a
 * record queued just before a {@code kill -9} is still there at restart. H2 does not close the
 * database from its own shutdown hook ({@code DB_CLOSE_ON_EXIT=FALSE}): the server node closes
 * it after its last write. Each commit costs a write to the file, so a mail's writes go in one
 * transaction ({@link #enqueue(List, List)}), and the escrow-exhausted marks, which only ever
 * appear, are also kept in memory: checking one before each record costs no transaction. That
 * is safe because H2 locks the file: no other process writes this store.
 *
 * <p>The store keeps one connection and runs its transactions one at a time. H2 writes one
 * chunk at a time anyway, and a pool's connection rolls back when it is handed out and again
 * when it is returned: with {@code WRITE_DELAY=0} each of those rollbacks could write a chunk
 * of whatever the other sessions had changed meanwhile, and each pooled session parsed the
 * store's statements again. One session keeps them parsed ({@code QUERY_CACHE_SIZE} above the
 * number of statements the store has).
 */
public final class H2ServerStore implements ServerStore {
    private static final String SCHEMA = """
        CREATE TABLE IF NOT EXISTS outbox (
          id BIGINT AUTO_INCREMENT PRIMARY KEY,
          record_key VARCHAR(120) NOT NULL UNIQUE,
          registration VARCHAR(42) NOT NULL,
          salt BINARY(32) NOT NULL,
          recipient_index INT NOT NULL,
          status INT NOT NULL,
          owner VARCHAR(42),
          state VARCHAR(12) NOT NULL,
          tx_hash VARCHAR(66),
          attempts INT DEFAULT 0 NOT NULL,
          outcome VARCHAR(400),
          due_at TIMESTAMP NOT NULL,
          queued_at TIMESTAMP NOT NULL
        );
        CREATE INDEX IF NOT EXISTS outbox_state ON outbox(state, due_at);
        CREATE INDEX IF NOT EXISTS outbox_tx ON outbox(tx_hash);
        CREATE TABLE IF NOT EXISTS sent_tx (
          tx_hash VARCHAR(66) PRIMARY KEY,
          nonce DECIMAL(40) NOT NULL,
          raw CLOB NOT NULL,
          sent_at TIMESTAMP NOT NULL
        );
        CREATE TABLE IF NOT EXISTS exhausted (
          registration VARCHAR(42) NOT NULL,
          recipient_index INT NOT NULL,
          PRIMARY KEY (registration, recipient_index)
        );
        CREATE TABLE IF NOT EXISTS disposition (
          message_key VARCHAR(400) PRIMARY KEY,
          mail_user VARCHAR(320) NOT NULL,
          registration VARCHAR(42) NOT NULL,
          salt BINARY(32) NOT NULL,
          recipient_index INT NOT NULL,
          owner VARCHAR(42),
          deadline BIGINT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS disposition_deadline ON disposition(deadline);
        CREATE TABLE IF NOT EXISTS alias (
          pending_key VARCHAR(400) PRIMARY KEY,
          stored_key VARCHAR(400) NOT NULL
        );
        CREATE TABLE IF NOT EXISTS deferred (
          id BIGINT AUTO_INCREMENT PRIMARY KEY,
          kind VARCHAR(12) NOT NULL,
          header_value VARCHAR(4096) NOT NULL,
          content_hash BINARY(32) NOT NULL,
          recipients CLOB NOT NULL,
          message_keys CLOB NOT NULL,
          queued_at TIMESTAMP NOT NULL
        );
        CREATE TABLE IF NOT EXISTS relay_authorisation (
          registration VARCHAR(42) NOT NULL,
          relay VARCHAR(42) NOT NULL,
          salt BINARY(32) NOT NULL,
          owner VARCHAR(42),
          queued_at TIMESTAMP NOT NULL,
          PRIMARY KEY (registration, relay)
        );
        ALTER TABLE relay_authorisation ADD COLUMN IF NOT EXISTS sent_tx VARCHAR(66);
        CREATE TABLE IF NOT EXISTS chain_identity (
          id INT PRIMARY KEY,
          genesis_hash VARCHAR(66) NOT NULL
        );
        CREATE TABLE IF NOT EXISTS ledger (
          tx_hash VARCHAR(66) PRIMARY KEY,
          block BIGINT NOT NULL,
          gas_used BIGINT NOT NULL,
          gas_price DECIMAL(40) NOT NULL,
          records INT NOT NULL,
          reimbursed DECIMAL(40) NOT NULL,
          settled_at TIMESTAMP NOT NULL
        );
        CREATE TABLE IF NOT EXISTS ledger_owner (
          tx_hash VARCHAR(66) NOT NULL,
          owner VARCHAR(42) NOT NULL,
          reimbursed DECIMAL(40) NOT NULL,
          PRIMARY KEY (tx_hash, owner)
        );
        """;

    /** How many times a record is queued again when another thread queued it meanwhile. */
    private static final int DUPLICATE_RETRIES = 3;

    /**
     * H2's own data source, not {@code DriverManager}: inside James the drop-in JAR's classes
     * are loaded by an extension class loader that {@code DriverManager} does not search, so it
     * finds no driver for a {@code jdbc:h2:} URL there.
     */
    private final JdbcDataSource database;
    private final AtomicLong transactions = new AtomicLong();
    /** "registration/index" of every escrow-exhausted mark, as in the exhausted table. */
    private final Set<String> exhausted = ConcurrentHashMap.newKeySet();
    /** Held for the whole of a transaction; guards the two fields below. */
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection;
    private boolean closed;

    private H2ServerStore(String url) {
        database = new JdbcDataSource();
        database.setURL(url);
        database.setUser("regmail");
        database.setPassword("");
    }

    /** Opens (creating if needed) the store in the file {@code <path>.mv.db}. */
    public static H2ServerStore open(Path path) {
        String url = "jdbc:h2:file:" + path.toAbsolutePath()
            + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64";
        H2ServerStore store = new H2ServerStore(url);
        store.inTransaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                for (String ddl : SCHEMA.split(";")) {
                    if (!ddl.isBlank()) {
                        statement.execute(ddl);
                    }
                }
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                     "SELECT registration, recipient_index FROM exhausted")) {
                while (rows.next()) {
                    store.exhausted.add(exhaustedKey(rows.getString(1), rows.getInt(2)));
                }
            }
            return null;
        });
        return store;
    }

    /**
     * Store transactions run since the store was opened, reads included (each takes a
     * turn on the store's connection and ends with a commit): what the tests and benchmarks
     * count.
     */
    public long transactions() {
        return transactions.get();
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        if (lock.isHeldByCurrentThread()) {
            // One connection: a nested transaction would commit the outer one's half-done work.
            throw new IllegalStateException("a store transaction cannot start inside another");
        }
        lock.lock();
        try {
            Connection session = session();
            try {
                T result = work.run(session);
                session.commit();
                transactions.incrementAndGet();
                return result;
            } catch (SQLException | RuntimeException e) {
                session.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("the registered-mail store failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** The store's connection, opened again if H2 closed it. Called holding the lock. */
    private Connection session() throws SQLException {
        if (closed) {
            throw new StoreException("the registered-mail store is closed");
        }
        if (connection == null || connection.isClosed()) {
            connection = database.getConnection();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    @Override
    public boolean enqueue(RecordRequest request) {
        return !enqueue(List.of(request), List.of()).isEmpty();
    }

    @Override
    public List<RecordRequest> enqueue(List<RecordRequest> requests,
                                       List<Disposition> dispositions) {
        if (requests.isEmpty() && dispositions.isEmpty()) {
            return List.of();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(connection -> {
                    List<RecordRequest> queued = new ArrayList<>();
                    for (RecordRequest request : requests) {
                        if (insertIfAbsent(connection, request)) {
                            queued.add(request);
                        }
                    }
                    for (Disposition disposition : dispositions) {
                        remember(connection, disposition);
                    }
                    return queued;
                });
            } catch (StoreException e) {
                // Another thread queued one of the records between our check and our insert;
                // the whole transaction was rolled back, and the next attempt skips that record.
                if (attempt < DUPLICATE_RETRIES && e.getCause() instanceof SQLException sql
                    && "23505".equals(sql.getSQLState())) {
                    continue;
                }
                throw e;
            }
        }
    }

    private static boolean insertIfAbsent(Connection connection, RecordRequest request)
        throws SQLException {
        if (exists(connection, request.key())) {
            return false;
        }
        try (PreparedStatement insert = connection.prepareStatement("""
            INSERT INTO outbox (record_key, registration, salt, recipient_index, status,
              owner, state, due_at, queued_at)
              VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)""")) {
            Timestamp now = Timestamp.from(Instant.now());
            insert.setString(1, request.key());
            insert.setString(2, request.registration());
            insert.setBytes(3, request.salt());
            insert.setInt(4, request.recipientIndex());
            insert.setInt(5, request.status().ordinal());
            insert.setString(6, request.owner());
            insert.setTimestamp(7, now);
            insert.setTimestamp(8, now);
            insert.executeUpdate();
            return true;
        }
    }

    private static boolean exists(Connection connection, String key) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
            "SELECT 1 FROM outbox WHERE record_key = ?")) {
            query.setString(1, key);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    @Override
    public List<OutboxEntry> duePending(int limit, Instant now) {
        return inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT * FROM outbox WHERE state = 'PENDING' AND due_at <= ? "
                    + "ORDER BY status, id LIMIT ?")) {
                query.setTimestamp(1, Timestamp.from(now));
                query.setInt(2, limit);
                return entries(query);
            }
        });
    }

    @Override
    public void markSent(List<Long> entryIds, SentTransaction transaction) {
        inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO sent_tx (tx_hash, nonce, raw, sent_at) VALUES (?, ?, ?, ?)");
                 PreparedStatement update = connection.prepareStatement(
                     "UPDATE outbox SET state = 'SENT', tx_hash = ?, attempts = attempts + 1 "
                         + "WHERE id = ?")) {
                insert.setString(1, transaction.hash());
                insert.setBigDecimal(2, new java.math.BigDecimal(transaction.nonce()));
                insert.setString(3, transaction.raw());
                insert.setTimestamp(4, Timestamp.from(transaction.sentAt()));
                insert.executeUpdate();
                for (long id : entryIds) {
                    update.setString(1, transaction.hash());
                    update.setLong(2, id);
                    update.addBatch();
                }
                update.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void replaceTransaction(String stuckHash, SentTransaction replacement) {
        inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO sent_tx (tx_hash, nonce, raw, sent_at) VALUES (?, ?, ?, ?)");
                 PreparedStatement move = connection.prepareStatement(
                     "UPDATE outbox SET tx_hash = ? WHERE tx_hash = ? AND state = 'SENT'");
                 PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM sent_tx WHERE tx_hash = ?")) {
                insert.setString(1, replacement.hash());
                insert.setBigDecimal(2, new java.math.BigDecimal(replacement.nonce()));
                insert.setString(3, replacement.raw());
                insert.setTimestamp(4, Timestamp.from(replacement.sentAt()));
                insert.executeUpdate();
                move.setString(1, replacement.hash());
                move.setString(2, stuckHash);
                move.executeUpdate();
                delete.setString(1, stuckHash);
                delete.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<SentTransaction> unsettledTransactions() {
        return inTransaction(connection -> {
            List<SentTransaction> result = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT * FROM sent_tx ORDER BY nonce")) {
                while (rows.next()) {
                    result.add(new SentTransaction(rows.getString("tx_hash"),
                        rows.getBigDecimal("nonce").toBigIntegerExact(), rows.getString("raw"),
                        rows.getTimestamp("sent_at").toInstant()));
                }
            }
            return result;
        });
    }

    @Override
    public List<OutboxEntry> entriesOf(String transactionHash) {
        return inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT * FROM outbox WHERE tx_hash = ? AND state = 'SENT' ORDER BY id")) {
                query.setString(1, transactionHash);
                return entries(query);
            }
        });
    }

    @Override
    public void markConfirmed(long entryId, String outcome) {
        settle(entryId, "CONFIRMED", outcome);
    }

    @Override
    public void markConfirmed(Map<Long, String> outcomeByEntryId) {
        if (outcomeByEntryId.isEmpty()) {
            return;
        }
        inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE outbox SET state = 'CONFIRMED', outcome = ? WHERE id = ?")) {
                for (Map.Entry<Long, String> entry : outcomeByEntryId.entrySet()) {
                    update.setString(1, truncate(entry.getValue()));
                    update.setLong(2, entry.getKey());
                    update.addBatch();
                }
                update.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void markRejected(long entryId, String reason) {
        settle(entryId, "REJECTED", reason);
    }

    private void settle(long entryId, String state, String outcome) {
        inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE outbox SET state = ?, outcome = ? WHERE id = ?")) {
                update.setString(1, state);
                update.setString(2, truncate(outcome));
                update.setLong(3, entryId);
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void retryLater(long entryId, Instant notBefore, String why) {
        inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE outbox SET state = 'PENDING', tx_hash = NULL, due_at = ?, outcome = ? "
                    + "WHERE id = ?")) {
                update.setTimestamp(1, Timestamp.from(notBefore));
                update.setString(2, truncate(why));
                update.setLong(3, entryId);
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void requeue(String transactionHash, Instant notBefore, String why) {
        inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE outbox SET state = 'PENDING', tx_hash = NULL, due_at = ?, outcome = ? "
                    + "WHERE tx_hash = ? AND state = 'SENT'");
                 PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM sent_tx WHERE tx_hash = ?")) {
                update.setTimestamp(1, Timestamp.from(notBefore));
                update.setString(2, truncate(why));
                update.setString(3, transactionHash);
                update.executeUpdate();
                delete.setString(1, transactionHash);
                delete.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void delay(List<Long> entryIds, Instant notBefore, String why) {
        inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE outbox SET due_at = ?, outcome = ? WHERE id = ? AND state = 'PENDING'")) {
                for (long id : entryIds) {
                    update.setTimestamp(1, Timestamp.from(notBefore));
                    update.setString(2, truncate(why));
                    update.setLong(3, id);
                    update.addBatch();
                }
                update.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void forgetTransaction(String transactionHash) {
        inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM sent_tx WHERE tx_hash = ?")) {
                delete.setString(1, transactionHash);
                delete.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Map<OutboxEntry.State, Long> countByState() {
        return inTransaction(connection -> {
            Map<OutboxEntry.State, Long> counts = new EnumMap<>(OutboxEntry.State.class);
            for (OutboxEntry.State state : OutboxEntry.State.values()) {
                counts.put(state, 0L);
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                     "SELECT state, COUNT(*) FROM outbox GROUP BY state")) {
                while (rows.next()) {
                    counts.put(OutboxEntry.State.valueOf(rows.getString(1)), rows.getLong(2));
                }
            }
            return counts;
        });
    }

    @Override
    public Optional<OutboxEntry> entry(String key) {
        return inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT * FROM outbox WHERE record_key = ?")) {
                query.setString(1, key);
                return entries(query).stream().findFirst();
            }
        });
    }

    @Override
    public void markEscrowExhausted(String registration, int recipientIndex) {
        inTransaction(connection -> {
            try (PreparedStatement merge = connection.prepareStatement(
                "MERGE INTO exhausted (registration, recipient_index) VALUES (?, ?)")) {
                merge.setString(1, registration.toLowerCase());
                merge.setInt(2, recipientIndex);
                merge.executeUpdate();
            }
            return null;
        });
        exhausted.add(exhaustedKey(registration, recipientIndex));
    }

    @Override
    public boolean isEscrowExhausted(String registration, int recipientIndex) {
        return exhausted.contains(exhaustedKey(registration, recipientIndex));
    }

    private static String exhaustedKey(String registration, int recipientIndex) {
        return registration.toLowerCase() + "/" + recipientIndex;
    }

    @Override
    public Optional<String> genesisHash() {
        return inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT genesis_hash FROM chain_identity WHERE id = 1");
                 ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
            }
        });
    }

    @Override
    public void rememberGenesisHash(String genesisHash) {
        inTransaction(connection -> {
            try (PreparedStatement merge = connection.prepareStatement(
                "MERGE INTO chain_identity (id, genesis_hash) KEY (id) VALUES (1, ?)")) {
                merge.setString(1, genesisHash.toLowerCase());
                merge.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void remember(Disposition d) {
        inTransaction(connection -> {
            remember(connection, d);
            return null;
        });
    }

    private static void remember(Connection connection, Disposition d) throws SQLException {
        try (PreparedStatement merge = connection.prepareStatement("""
            MERGE INTO disposition (message_key, mail_user, registration, salt,
              recipient_index, owner, deadline) KEY (message_key)
              VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            merge.setString(1, d.messageKey());
            merge.setString(2, d.user());
            merge.setString(3, d.registration().toLowerCase());
            merge.setBytes(4, d.salt());
            merge.setInt(5, d.recipientIndex());
            merge.setString(6, d.owner());
            merge.setLong(7, d.deadline());
            merge.executeUpdate();
        }
    }

    @Override
    public Optional<Disposition> disposition(String messageKey) {
        return inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT * FROM disposition WHERE message_key = ?")) {
                query.setString(1, messageKey);
                return dispositions(query).stream().findFirst();
            }
        });
    }

    @Override
    public List<Disposition> dispositionsWithDeadlineBefore(long unixSeconds) {
        return inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT * FROM disposition WHERE deadline < ? ORDER BY deadline")) {
                query.setLong(1, unixSeconds);
                return dispositions(query);
            }
        });
    }

    @Override
    public void forget(String messageKey) {
        inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM disposition WHERE message_key = ?")) {
                delete.setString(1, messageKey);
                delete.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean rekey(String oldKey, String newKey) {
        return inTransaction(connection -> {
            try (PreparedStatement known = connection.prepareStatement(
                "SELECT 1 FROM disposition WHERE message_key = ?");
                 PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM disposition WHERE message_key = ?");
                 PreparedStatement move = connection.prepareStatement(
                     "UPDATE disposition SET message_key = ? WHERE message_key = ?")) {
                known.setString(1, oldKey);
                try (ResultSet rows = known.executeQuery()) {
                    if (!rows.next()) {
                        return false;
                    }
                }
                if (!oldKey.equals(newKey)) {
                    delete.setString(1, newKey); // as remember(): the new key's entry is replaced
                    delete.executeUpdate();
                }
                move.setString(1, newKey);
                move.setString(2, oldKey);
                move.executeUpdate();
                return true;
            }
        });
    }

    @Override
    public void alias(String pendingKey, String storedKey) {
        inTransaction(connection -> {
            try (PreparedStatement merge = connection.prepareStatement(
                "MERGE INTO alias (pending_key, stored_key) KEY (pending_key) VALUES (?, ?)")) {
                merge.setString(1, pendingKey);
                merge.setString(2, storedKey);
                merge.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<String> aliasOf(String pendingKey) {
        return inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT stored_key FROM alias WHERE pending_key = ?")) {
                query.setString(1, pendingKey);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public void defer(DeferredCheck check) {
        inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO deferred (kind, header_value, content_hash, recipients, message_keys, "
                    + "queued_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, check.kind().name());
                insert.setString(2, check.headerValue());
                insert.setBytes(3, check.contentHash());
                insert.setString(4, String.join("\n", check.recipients()));
                insert.setString(5, String.join("\n", check.messageKeys()));
                insert.setTimestamp(6, Timestamp.from(check.queuedAt()));
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<DeferredCheck> deferredChecks(int limit) {
        return inTransaction(connection -> {
            List<DeferredCheck> result = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT * FROM deferred ORDER BY id LIMIT ?")) {
                query.setInt(1, limit);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        result.add(new DeferredCheck(rows.getLong("id"),
                            DeferredCheck.Kind.valueOf(rows.getString("kind")),
                            rows.getString("header_value"), rows.getBytes("content_hash"),
                            List.of(rows.getString("recipients").split("\n")),
                            List.of(rows.getString("message_keys").split("\n")),
                            rows.getTimestamp("queued_at").toInstant()));
                    }
                }
            }
            return result;
        });
    }

    @Override
    public boolean isDeferred(String messageKey) {
        return inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT message_keys FROM deferred WHERE kind = 'DELIVERY'")) {
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        if (List.of(rows.getString(1).split("\n")).contains(messageKey)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        });
    }

    @Override
    public void forgetDeferred(long id) {
        inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM deferred WHERE id = ?")) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void queueRelayAuthorisation(RelayAuthorisation a) {
        inTransaction(connection -> {
            try (PreparedStatement merge = connection.prepareStatement(
                "MERGE INTO relay_authorisation (registration, relay, salt, owner, queued_at) "
                    + "KEY (registration, relay) VALUES (?, ?, ?, ?, ?)")) {
                merge.setString(1, a.registration().toLowerCase());
                merge.setString(2, a.relay().toLowerCase());
                merge.setBytes(3, a.salt());
                merge.setString(4, a.owner());
                merge.setTimestamp(5, Timestamp.from(Instant.now()));
                merge.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<RelayAuthorisation> pendingRelayAuthorisations(int limit) {
        return inTransaction(connection -> {
            List<RelayAuthorisation> result = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT * FROM relay_authorisation ORDER BY queued_at LIMIT ?")) {
                query.setInt(1, limit);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        result.add(new RelayAuthorisation(rows.getString("registration"),
                            rows.getBytes("salt"), rows.getString("owner"),
                            rows.getString("relay"), rows.getString("sent_tx")));
                    }
                }
            }
            return result;
        });
    }

    @Override
    public void markRelayAuthorisationSent(String registration, String relay,
                                           String transactionHash) {
        inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE relay_authorisation SET sent_tx = ? "
                    + "WHERE registration = ? AND relay = ?")) {
                update.setString(1, transactionHash);
                update.setString(2, registration.toLowerCase());
                update.setString(3, relay.toLowerCase());
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void forgetRelayAuthorisation(String registration, String relay) {
        inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM relay_authorisation WHERE registration = ? AND relay = ?")) {
                delete.setString(1, registration.toLowerCase());
                delete.setString(2, relay.toLowerCase());
                delete.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void addToLedger(LedgerEntry entry, Map<String, BigInteger> reimbursedByOwner) {
        inTransaction(connection -> {
            try (PreparedStatement merge = connection.prepareStatement("""
                MERGE INTO ledger (tx_hash, block, gas_used, gas_price, records, reimbursed,
                  settled_at) KEY (tx_hash) VALUES (?, ?, ?, ?, ?, ?, ?)""");
                 PreparedStatement owners = connection.prepareStatement(
                     "MERGE INTO ledger_owner (tx_hash, owner, reimbursed) KEY (tx_hash, owner) "
                         + "VALUES (?, ?, ?)")) {
                merge.setString(1, entry.transactionHash());
                merge.setLong(2, entry.block());
                merge.setLong(3, entry.gasUsed());
                merge.setBigDecimal(4, new java.math.BigDecimal(entry.gasPrice()));
                merge.setInt(5, entry.records());
                merge.setBigDecimal(6, new java.math.BigDecimal(entry.reimbursed()));
                merge.setTimestamp(7, Timestamp.from(entry.at()));
                merge.executeUpdate();
                for (Map.Entry<String, BigInteger> owner : reimbursedByOwner.entrySet()) {
                    owners.setString(1, entry.transactionHash());
                    owners.setString(2, owner.getKey());
                    owners.setBigDecimal(3, new java.math.BigDecimal(owner.getValue()));
                    owners.addBatch();
                }
                owners.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<LedgerEntry> ledger() {
        return inTransaction(connection -> {
            List<LedgerEntry> result = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT * FROM ledger ORDER BY block")) {
                while (rows.next()) {
                    result.add(new LedgerEntry(rows.getString("tx_hash"), rows.getLong("block"),
                        rows.getLong("gas_used"),
                        rows.getBigDecimal("gas_price").toBigIntegerExact(),
                        rows.getInt("records"),
                        rows.getBigDecimal("reimbursed").toBigIntegerExact(),
                        rows.getTimestamp("settled_at").toInstant()));
                }
            }
            return result;
        });
    }

    @Override
    public Map<String, BigInteger> reimbursedByOwner() {
        return inTransaction(connection -> {
            Map<String, BigInteger> result = new HashMap<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                     "SELECT owner, SUM(reimbursed) FROM ledger_owner GROUP BY owner")) {
                while (rows.next()) {
                    result.put(rows.getString(1), rows.getBigDecimal(2).toBigIntegerExact());
                }
            }
            return result;
        });
    }

    private static List<OutboxEntry> entries(PreparedStatement query) throws SQLException {
        List<OutboxEntry> result = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                RecordRequest request = new RecordRequest(rows.getString("registration"),
                    rows.getBytes("salt"), rows.getInt("recipient_index"),
                    Status.values()[rows.getInt("status")], rows.getString("owner"));
                result.add(new OutboxEntry(rows.getLong("id"), request,
                    OutboxEntry.State.valueOf(rows.getString("state")), rows.getString("tx_hash"),
                    rows.getInt("attempts"), rows.getString("outcome"),
                    rows.getTimestamp("queued_at").toInstant()));
            }
        }
        return result;
    }

    private static List<Disposition> dispositions(PreparedStatement query) throws SQLException {
        List<Disposition> result = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                result.add(new Disposition(
                    rows.getString("message_key"), rows.getString("mail_user"),
                    rows.getString("registration"), rows.getBytes("salt"),
                    rows.getInt("recipient_index"), rows.getString("owner"),
                    rows.getLong("deadline")));
            }
        }
        return result;
    }

    private static String truncate(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= 400 ? text : text.substring(0, 400);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            throw new StoreException("closing the registered-mail store failed: "
                + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
