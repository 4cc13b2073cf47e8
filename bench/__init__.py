"""The benchmarks and the experiments the product does not use, each script run as `python -m bench.<name>`
from the repository root."""
