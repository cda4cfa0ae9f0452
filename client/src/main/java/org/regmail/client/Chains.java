package org.regmail.client;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import okhttp3.OkHttpClient;
import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.sending.Deployment;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** Connections to the chain as the commands need them. */
public final class Chains {
    private Chains() {
    }

    /** A gateway to the deployment's Master, signing as {@code account}. */
    public static ChainGateway connect(Deployment deployment, Credentials account)
        throws ChainException {
        return ChainGateway.connect(ChainSettings.of(deployment.rpcUrl(), deployment.chainId(),
            deployment.master()), account);
    }

    /** A gateway for reading only: its account is a throwaway key that never signs. */
    public static ChainGateway reader(Deployment deployment) throws ChainException {
        try {
            return connect(deployment, Credentials.create(Keys.createEcKeyPair()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("no secp256k1 key generator", e);
        }
    }

    /** A plain JSON-RPC client with short connection timeouts. */
    public static Web3j web3j(String rpcUrl) {
        OkHttpClient http = new OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS)
            .readTimeout(30, TimeUnit.SECONDS)
            .build();
        return Web3j.build(new HttpService(rpcUrl, http));
    }

    /** The chain id the node at {@code rpcUrl} answers. */
    public static long chainId(String rpcUrl) throws ChainException {
        Web3j web3j = web3j(rpcUrl);
        try {
            return web3j.ethChainId().send().getChainId().longValueExact();
        } catch (IOException | RuntimeException e) {
            throw new ChainException("cannot reach the Ethereum node at " + rpcUrl + " ("
                + e.getMessage() + ")", e, true);
        } finally {
            web3j.shutdown();
        }
    }
}
