package dev.llmrouter.domain.catalog;

/** The tokenizer encoding a model family uses, named as tiktoken names them. */
public enum TokenEncoding {
    CL100K_BASE,
    O200K_BASE
}
