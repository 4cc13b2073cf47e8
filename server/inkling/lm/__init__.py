"""The language model: tokenizer, RNN, checkpoints, training and decoding (the only layer that imports torch)."""
