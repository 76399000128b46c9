package dev.llmrouter.app.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.routing.Fleet;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: what the caller's plan may name, in OpenAI's
 * list shape — the tier names up to the plan's highest tier (each with the model it stands for), then
 * every deployed model of those tiers. Extra fields ({@code tier}, {@code model}) are ignored by
 * OpenAI clients.
 */
final class ModelsHandler {

    private static final String OWNER = "llm-router";

    private final Authenticator auth;
    private final Fleet fleet;

    ModelsHandler(Authenticator auth, Fleet fleet) {
        this.auth = auth;
        this.fleet = fleet;
    }

    void list(Context ctx) {
        Plan plan = auth.require(ctx).plan();
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (Tier tier : Tier.values()) {
            if (plan.allows(tier) && fleet.catalog().hasTier(tier)) {
                data.add(tierEntry(tier));
            }
        }
        for (ModelSpec model : fleet.catalog().models()) {
            if (plan.allows(model.tier()) && !fleet.deploymentsOf(model.id()).isEmpty()) {
                data.add(modelEntry(model));
            }
        }
        ctx.contentType("application/json").result(Json.bytes(root));
    }

    void one(Context ctx) {
        Plan plan = auth.require(ctx).plan();
        String id = ctx.pathParam("id");
        Optional<ObjectNode> entry = Tier.parse(id).filter(t -> plan.allows(t) && fleet.catalog().hasTier(t))
                .map(this::tierEntry)
                .or(() -> fleet.catalog().model(id)
                        .filter(m -> plan.allows(m.tier()) && !fleet.deploymentsOf(m.id()).isEmpty())
                        .map(ModelsHandler::modelEntry));
        ObjectNode node = entry.orElseThrow(() -> ApiError.of(404, "invalid_request_error", "model_not_found",
                "The model '" + RouterHeaders.printable(id) + "' does not exist or your plan cannot use it.", "model")
                .exception());
        ctx.contentType("application/json").result(Json.bytes(node));
    }

    private ObjectNode tierEntry(Tier tier) {
        ObjectNode node = base(tier.id());
        node.put("tier", tier.id());
        node.put("model", fleet.catalog().tierModel(tier).id());
        return node;
    }

    private static ObjectNode modelEntry(ModelSpec model) {
        ObjectNode node = base(model.id());
        node.put("tier", model.tier().id());
        node.put("context_window", model.contextWindow());
        node.put("max_output_tokens", model.maxOutputTokens());
        return node;
    }

    private static ObjectNode base(String id) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", id);
        node.put("object", "model");
        node.put("created", 0);
        node.put("owned_by", OWNER);
        return node;
    }
}
