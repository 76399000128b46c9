/**
 * Monthly quotas per account (Requirement 5.4, Property 17): reserve the worst case before a request
 * reaches a deployment, settle the actual usage after, so concurrent requests can never overspend.
 * {@link dev.llmrouter.ports.quota.QuotaStore} is the port (reservations with leases, every answer a
 * value); the router reaches it through {@code routing.QuotaStoreGate}.
 */
package dev.llmrouter.ports.quota;
