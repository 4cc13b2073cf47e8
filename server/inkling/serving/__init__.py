"""The serving side of the language model, numpy only: checkpoints and tokenizer, inference, the per-document
state cache, prompts, beam search and its stop rules, the n-gram mixture; it never imports torch."""
