package dev.llmrouter.domain.balance;

import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Candidate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A group of {@code n} primaries of one model, with loads set by hand (test fixture). */
final class Groups {

    static final ModelSpec MODEL = ExampleCatalog.create().tierModel(Tier.PREMIUM);

    final List<Candidate> chain = new ArrayList<>();
    final Map<Deployment, Load> loads = new HashMap<>();

    static Groups of(int n) {
        Groups g = new Groups();
        for (int i = 0; i < n; i++) {
            Deployment d = Fixtures.deployment("d" + i, MODEL.id(), Fixtures.EASTUS, ChainRole.PRIMARY);
            g.chain.add(new Candidate(d, MODEL, Tier.PREMIUM, false));
            g.loads.put(d, new Load());
        }
        return g;
    }

    Load load(int position) {
        return loads.get(chain.get(position).deployment());
    }

    Balancer.Loads loads() {
        return d -> loads.get(d);
    }

    /** A deployment's load as a plain value. */
    static final class Load implements DeploymentLoad {
        int weight = 1;
        long tokens = CapacityReport.UNKNOWN;
        long requests = CapacityReport.UNKNOWN;
        int inFlight;
        long latency = -1;

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public long remainingTokens(long nowNanos) {
            return tokens;
        }

        @Override
        public long remainingRequests(long nowNanos) {
            return requests;
        }

        @Override
        public int inFlight() {
            return inFlight;
        }

        @Override
        public long latencyNanos() {
            return latency;
        }
    }
}
