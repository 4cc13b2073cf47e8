"""Special token strings shared by the data transforms, the tokenizer and the decoder."""

EOT = "<|endoftext|>"
FIM_PREFIX = "<|fim_prefix|>"
FIM_SUFFIX = "<|fim_suffix|>"
FIM_MIDDLE = "<|fim_middle|>"
DOCSTRING = "<|docstring|>"

ALL = (EOT, FIM_PREFIX, FIM_SUFFIX, FIM_MIDDLE, DOCSTRING)
