package org.regmail.mailets.admin;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.webadmin.Routes;
import org.regmail.core.server.ServerNode;
import org.regmail.core.store.LedgerEntry;
import org.regmail.core.store.OutboxEntry;
import org.regmail.mailets.RegisteredMailMetrics;
import org.regmail.mailets.RegisteredMailRuntime;

import spark.Service;

/**
 * The administrator's view of this server's registered mail, under James's WebAdmin:
 *
 * <ul>
 *   <li>{@code GET /registered-mail/ledger} — what the server's transactions cost and what the
 *       senders' escrows reimbursed, in total, per sender (registration owner) and per
 *       transaction (the latest 100);</li>
 *   <li>{@code GET /registered-mail/outbox} — records per state (pending, sent, confirmed,
 *       rejected), checks deferred while the chain was unreachable, and the mailets'
 *       counters (mails accepted, mails that went on as ordinary mail, per reason).</li>
 * </ul>
 *
 * Installed through James's WebAdmin extension point, in {@code webadmin.properties}:
 *
 * <pre>{@code
 * extensions.routes=org.regmail.mailets.admin.RegisteredMailRoutes
 * }</pre>
 *
 * Amounts are in wei, as decimal strings.
 */
public class RegisteredMailRoutes implements Routes {
    public static final String BASE_PATH = "/registered-mail";
    private static final int RECENT = 100;

    private final FileSystem fileSystem;

    @Inject
    public RegisteredMailRoutes(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH + "/ledger", (request, response) -> {
            response.type("application/json");
            return ledger(RegisteredMailRuntime.defaultNode(fileSystem));
        });
        service.get(BASE_PATH + "/outbox", (request, response) -> {
            response.type("application/json");
            return outbox(RegisteredMailRuntime.defaultNode(fileSystem));
        });
    }

    static String ledger(ServerNode node) {
        List<LedgerEntry> ledger = node.store().ledger();
        long gas = 0;
        BigInteger spent = BigInteger.ZERO;
        BigInteger reimbursed = BigInteger.ZERO;
        int records = 0;
        for (LedgerEntry entry : ledger) {
            gas += entry.gasUsed();
            spent = spent.add(entry.cost());
            reimbursed = reimbursed.add(entry.reimbursed());
            records += entry.records();
        }
        StringBuilder json = new StringBuilder("{");
        field(json, "server", node.address()).append(',');
        field(json, "domain", node.config().domain()).append(',');
        json.append("\"transactions\":").append(ledger.size()).append(',');
        json.append("\"records\":").append(records).append(',');
        json.append("\"gasUsed\":").append(gas).append(',');
        field(json, "spentWei", spent.toString()).append(',');
        field(json, "reimbursedWei", reimbursed.toString()).append(',');
        json.append("\"reimbursedByOwner\":{");
        boolean first = true;
        for (Map.Entry<String, BigInteger> owner : node.store().reimbursedByOwner().entrySet()) {
            json.append(first ? "" : ",");
            field(json, owner.getKey(), owner.getValue().toString());
            first = false;
        }
        json.append("},\"latest\":[");
        List<LedgerEntry> latest =
            ledger.subList(Math.max(0, ledger.size() - RECENT), ledger.size());
        for (int i = 0; i < latest.size(); i++) {
            LedgerEntry e = latest.get(i);
            json.append(i == 0 ? "{" : ",{");
            field(json, "transaction", e.transactionHash()).append(',');
            json.append("\"block\":").append(e.block()).append(',');
            json.append("\"gasUsed\":").append(e.gasUsed()).append(',');
            field(json, "gasPriceWei", e.gasPrice().toString()).append(',');
            json.append("\"records\":").append(e.records()).append(',');
            field(json, "reimbursedWei", e.reimbursed().toString()).append(',');
            field(json, "at", e.at().toString()).append('}');
        }
        return json.append("]}").toString();
    }

    static String outbox(ServerNode node) {
        StringBuilder json = new StringBuilder("{\"records\":{");
        boolean first = true;
        for (Map.Entry<OutboxEntry.State, Long> state : node.store().countByState().entrySet()) {
            json.append(first ? "" : ",").append('"').append(state.getKey().name()).append("\":")
                .append(state.getValue());
            first = false;
        }
        json.append("},\"deferredChecks\":").append(node.store().deferredChecks(10_000).size());
        json.append(",\"counters\":{");
        first = true;
        for (Map.Entry<String, Long> counter : RegisteredMailMetrics.snapshot().entrySet()) {
            json.append(first ? "" : ",").append('"').append(counter.getKey()).append("\":")
                .append(counter.getValue());
            first = false;
        }
        return json.append("}}").toString();
    }

    /** Our values are addresses, hashes, numbers and domains: no character needs escaping. */
    private static StringBuilder field(StringBuilder json, String name, String value) {
        return json.append('"').append(name).append("\":\"").append(value).append('"');
    }
}
