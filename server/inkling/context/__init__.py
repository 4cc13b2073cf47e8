"""What the code around the cursor allows: member names from jedi, which only this package may import."""
