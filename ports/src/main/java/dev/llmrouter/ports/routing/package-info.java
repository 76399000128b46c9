/**
 * The router: the application service that routes one chat request through the fleet.
 *
 * <ul>
 *   <li>{@link dev.llmrouter.ports.routing.Router} implements the inbound use cases
 *       {@link dev.llmrouter.ports.router.RouteChatUseCase} and
 *       {@link dev.llmrouter.ports.admin.DeploymentStatusQuery} and assembles the jobs of one request:
 *       admission (cheap rate check, estimate, route, rate limit, quota reserve) answering a sealed
 *       admission, the plain call or the stream relay, and the usage recording of every ending.</li>
 *   <li>{@link dev.llmrouter.ports.routing.FallbackExecutor} runs a chain of candidates: skips open
 *       breakers and cooling-down deployments, retries transient faults on the same deployment after
 *       the domain's backoff schedule under the request deadline, stops on final errors, and makes
 *       every report to the deployments' health.</li>
 *   <li>{@link dev.llmrouter.ports.routing.DeploymentHealth} is what the executor needs of breakers and
 *       cooldowns; {@link dev.llmrouter.ports.routing.BreakerDeploymentHealth} is it on the domain's
 *       circuit breakers.</li>
 *   <li>{@link dev.llmrouter.ports.routing.QuotaGate} and {@link dev.llmrouter.ports.routing.RateGate}
 *       are what the router needs of quota and rate-limit admission;
 *       {@link dev.llmrouter.ports.routing.QuotaStoreGate} and
 *       {@link dev.llmrouter.ports.routing.AccountRateGate} adapt the quota store and rate limiter.</li>
 * </ul>
 */
package dev.llmrouter.ports.routing;
