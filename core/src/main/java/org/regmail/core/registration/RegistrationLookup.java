package org.regmail.core.registration;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Finds a registration's terms in the Master's RegistrationCreated event. Only the Master
 * emits that event and only for clones it created, so a registration found here is genuine.
 * Answers are cached: a registration's creation never changes.
 */
public final class RegistrationLookup {
    private static final int CACHE_SIZE = 10_000;

    private final ChainGateway gateway;
    private final Map<String, RegistrationInfo> cache = Collections.synchronizedMap(
        new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RegistrationInfo> eldest) {
                return size() > CACHE_SIZE;
            }
        });

    public RegistrationLookup(ChainGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * The registration created by the configured Master at {@code registration}, or empty when
     * the Master never created one there.
     */
    public Optional<RegistrationInfo> find(String registration) throws ChainException {
        String key = registration.toLowerCase(Locale.ROOT);
        RegistrationInfo cached = cache.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        // Limitation: the log search starts at block 0; on a long public chain a node may refuse
        // so wide a range, and the deployment block should bound it.
        EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST,
            DefaultBlockParameterName.LATEST, gateway.settings().masterAddress());
        filter.addSingleTopic(
            EventEncoder.encode(EmailRegistrationMaster.REGISTRATIONCREATED_EVENT));
        filter.addSingleTopic("0x" + TypeEncoder.encode(new Address(key)));
        List<EthLog.LogResult> logs;
        try {
            EthLog answer = gateway.web3j().ethGetLogs(filter).send();
            if (answer.hasError()) {
                throw new ChainException("the node refused the log query for registration " + key
                    + ": " + answer.getError().getMessage());
            }
            logs = answer.getLogs();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at "
                + gateway.settings().rpcUrl(), e, true);
        }
        if (logs.isEmpty()) {
            return Optional.empty();
        }
        Log log = (Log) logs.get(0).get();
        EmailRegistrationMaster.RegistrationCreatedEventResponse event =
            EmailRegistrationMaster.getRegistrationCreatedEventFromLog(log);
        RegistrationInfo info = new RegistrationInfo(key, event.owner.toLowerCase(Locale.ROOT),
            event.senderServer.toLowerCase(Locale.ROOT), event.localId,
            event.deadline.longValueExact(), event.contentCommitment,
            List.copyOf(event.recipientCommitments),
            event.recipientServers.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList(),
            log.getBlockNumber());
        cache.put(key, info);
        return Optional.of(info);
    }
}
