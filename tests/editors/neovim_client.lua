-- Drives Neovim's own LSP client against `inkling serve` (headless): attach to the open buffer, ask for a
-- completion list and an inline completion at the end of its last line, write what came back to OUT.
-- Uses vim.lsp.start_client, which Neovim 0.7 (Debian 12's) needs; 0.8+ users call vim.lsp.start.
local cmd = vim.split(os.getenv("INKLING_SERVER_CMD"), "\t")
local out_path = os.getenv("OUT")
local client_id = vim.lsp.start_client({
  name = "inkling",
  cmd = cmd,
  root_dir = vim.fn.getcwd(),
  init_options = { beamWidth = 3 },
})
vim.lsp.buf_attach_client(0, client_id)
local ok = vim.wait(30000, function()
  local client = vim.lsp.get_client_by_id(client_id)
  return client ~= nil and client.initialized
end, 50)
local out = { "initialized: " .. tostring(ok) }
local last = vim.api.nvim_buf_line_count(0)
local line = vim.api.nvim_buf_get_lines(0, last - 1, last, false)[1]
local params = {
  textDocument = vim.lsp.util.make_text_document_params(),
  position = { line = last - 1, character = #line },
}
for _, r in pairs(vim.lsp.buf_request_sync(0, "textDocument/completion", params, 30000) or {}) do
  local items = r.result and (r.result.items or r.result) or {}
  for _, item in ipairs(items) do
    table.insert(out, "completion: " .. item.label)
  end
  if r.err then table.insert(out, "error: " .. vim.inspect(r.err)) end
end
params.context = { triggerKind = 1 }
for _, r in pairs(vim.lsp.buf_request_sync(0, "textDocument/inlineCompletion", params, 30000) or {}) do
  for _, item in ipairs(r.result and (r.result.items or r.result) or {}) do
    table.insert(out, "inline: " .. item.insertText)
  end
  if r.err then table.insert(out, "error: " .. vim.inspect(r.err)) end
end
vim.fn.writefile(out, out_path)
vim.lsp.stop_client(client_id)
vim.cmd("qa!")
