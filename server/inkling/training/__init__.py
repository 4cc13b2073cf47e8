"""The training side of the language model, the only package that imports torch: the model, the training loop,
resume, distributed training, fine-tuning, export and scoring; it writes the checkpoints serving reads."""
