package org.regmail.client.commands;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.regmail.client.AccountOptions;
import org.regmail.client.Amounts;
import org.regmail.client.ChainOptions;
import org.regmail.client.Chains;
import org.regmail.client.ClientCommand;
import org.regmail.client.ExitCode;
import org.regmail.client.Funds;
import org.regmail.client.Progress;
import org.regmail.client.TrailText;
import org.regmail.client.UserError;
import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.evidence.GenuineRegistration;
import org.regmail.core.evidence.RecipientProgress;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.SentMail;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Returns the unused escrow once every recipient is final. */
@Command(name = "withdraw", mixinStandardHelpOptions = true,
    description = {"Return the unused escrow once every recipient is final.",
        "Pays what is left of a registration's escrow back to its owner.",
        "Recipients past the deadline and never downloaded are first recorded EXPIRED (anyone "
        + "may; the owner pays that gas), unless --no-expire. Exit 1 when a recipient is not "
        + "final yet."})
public final class WithdrawCommand extends ClientCommand {
    @Parameters(arity = "0..1", paramLabel = "REGISTRATION",
        description = "Registration address or prefix (default: the latest mail sent).")
    String registration;

    @Option(names = "--no-expire",
        description = "Do not record EXPIRED for overdue recipients; refuse instead.")
    boolean noExpire;

    @Mixin
    ChainOptions chain;
    @Mixin
    AccountOptions account;

    @Override
    public Integer call() throws Exception {
        SentMail mail = sentMail(registration);
        Deployment deployment = chain.deployment(context(), home());
        if (!deployment.master().equals(mail.master())) {
            deployment = new Deployment(mail.chainId(), deployment.rpcUrl(), mail.master(),
                deployment.factory(), deployment.implementation(), deployment.block());
        }
        Credentials owner = account.credentials(context(), home(), mail.chainId());
        if (!owner.getAddress().equalsIgnoreCase(mail.owner())) {
            throw UserError.usage("registration " + mail.registration() + " belongs to "
                + mail.owner() + ", not to the signing account "
                + owner.getAddress().toLowerCase(Locale.ROOT) + "; sign with the owner's key");
        }
        String url = deployment.rpcUrl();
        Web3j web3j = node(url, mail.chainId());
        try (ChainGateway gateway = Chains.connect(deployment, owner)) {
            RegistrationTrail trail = trail(web3j, url, mail);
            Optional<TrailEvent> withdrawn = trail.events().stream()
                .filter(e -> TrailEvent.ESCROW_WITHDRAWN.equals(e.event())).findFirst();
            if (withdrawn.isPresent()) {
                out().println("the escrow of " + mail.registration() + " was already withdrawn ("
                    + Amounts.ether(withdrawn.get().amount()) + ", tx "
                    + withdrawn.get().transactionHash() + ")");
                return ExitCode.OK;
            }

            long deadline = trail.facts().deadline();
            Map<Integer, String> labels = labels(mail);
            List<RecipientProgress> overdue = trail.recipients().stream()
                .filter(r -> r.isExpirable(deadline, trail.readAtTime())).toList();
            if (!overdue.isEmpty() && !noExpire) {
                byte[] salt = GenuineRegistration.registrationSalt(mail.owner(),
                    mail.localIdBytes());
                Funds.require(gateway, owner.getAddress(), Funds.maxFeePerGas(gateway).multiply(
                    BigInteger.valueOf(Funds.EXPIRE_GAS * overdue.size())), "recording EXPIRED "
                    + "for " + overdue.size()
                    + (overdue.size() == 1 ? " recipient" : " recipients"));
                for (RecipientProgress r : overdue) {
                    TransactionReceipt receipt = Progress.waitFor(err(), "recording EXPIRED for "
                        + "recipient " + r.index(), () -> gateway.execute("expiring recipient "
                            + r.index(), gateway.master().expire(salt, BigInteger.valueOf(
                                r.index()))));
                    out().println("recipient " + r.index() + " " + labels.get(r.index())
                        + " recorded EXPIRED in tx " + receipt.getTransactionHash());
                }
            }
            RegistrationTrail now = overdue.isEmpty() || noExpire ? trail
                : trail(web3j, url, mail);
            for (RecipientProgress r : now.recipients()) {
                if (!r.isFinal(deadline, now.readAtTime())) {
                    throw UserError.negative("recipient " + r.index() + " "
                        + labels.getOrDefault(r.index(), "") + " is not final ("
                        + TrailText.state(r, deadline, now.readAtTime()) + "); the deadline is "
                        + TrailText.deadline(deadline, now.readAtTime()));
                }
            }

            var call = gateway.master().withdrawEscrow(mail.localIdBytes());
            Funds.requireFor(gateway, owner.getAddress(), mail.master(),
                call.encodeFunctionCall(), Funds.WITHDRAW_GAS, "withdrawing the escrow");
            BigInteger before = gateway.balanceOf(owner.getAddress());
            TransactionReceipt receipt;
            try {
                receipt = Progress.waitFor(err(), "withdrawing the escrow of "
                    + mail.registration(), () -> gateway.execute("withdrawing the escrow", call));
            } catch (ChainException e) {
                if (e.revert().map(r -> r.name().equals("NothingToWithdraw")).orElse(false)) {
                    out().println("nothing is left in the escrow of " + mail.registration());
                    return ExitCode.OK;
                }
                throw e;
            }
            BigInteger amount = receipt.getLogs().stream()
                .filter(l -> l.getAddress().equalsIgnoreCase(mail.master()))
                .map(l -> {
                    try {
                        return org.regmail.contracts.generated.EmailRegistrationMaster
                            .getEscrowWithdrawnEventFromLog(l).amount;
                    } catch (RuntimeException notThisEvent) {
                        return null;
                    }
                })
                .filter(java.util.Objects::nonNull).findFirst().orElse(BigInteger.ZERO);
            out().println("withdrew " + Amounts.ether(amount) + " from " + mail.registration()
                + " in tx " + receipt.getTransactionHash() + " to the owner "
                + owner.getAddress().toLowerCase(Locale.ROOT) + " (the owner's balance was "
                + Amounts.ether(before) + " before)");
            return ExitCode.OK;
        } finally {
            web3j.shutdown();
        }
    }
}
