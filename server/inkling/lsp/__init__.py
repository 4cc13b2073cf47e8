"""The language server: LSP over stdio with pygls (the only layer that imports pygls and lsprotocol)."""
