package dev.llmrouter.ports.router;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.Deployment;
import java.util.Optional;

/**
 * Where a request was served (or last tried), for response headers, records and logs.
 *
 * @param requestedTier the tier asked for, if any
 * @param tier          the tier that served
 * @param model         the model that served
 * @param deployment    the deployment that served
 * @param downgrade     why the tier is below the requested one (plan limit), if it is
 * @param fellDown      served from a lower tier's chain after the tier's own chain was exhausted
 */
public record RouteInfo(
        Optional<Tier> requestedTier,
        Tier tier,
        ModelSpec model,
        Deployment deployment,
        Optional<String> downgrade,
        boolean fellDown) {}
