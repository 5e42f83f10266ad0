// Prints the tools/list result of an MCP server spoken to over stdio, as pretty JSON.
// Usage: node dump-tools.mjs <server executable> [args...] > tools.json
import { spawn } from "node:child_process";

const [cmd, ...args] = process.argv.slice(2);
const server = spawn(cmd, args, { stdio: ["pipe", "pipe", "inherit"] });
let buffer = "";
const waiting = new Map();
server.stdout.on("data", (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, nl).trim();
    buffer = buffer.slice(nl + 1);
    if (!line) continue;
    const msg = JSON.parse(line);
    if (msg.id !== undefined && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    }
  }
});
let next = 1;
function call(method, params) {
  const id = next++;
  server.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
  return new Promise((resolve) => waiting.set(id, resolve));
}
await call("initialize", {
  protocolVersion: "2025-06-18",
  capabilities: {},
  clientInfo: { name: "kimi-sdk-dump-tools", version: "1" },
});
server.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");
const tools = [];
let cursor;
do {
  const r = await call("tools/list", cursor ? { cursor } : {});
  tools.push(...r.result.tools);
  cursor = r.result.nextCursor;
} while (cursor);
process.stdout.write(JSON.stringify({ tools }, null, 2) + "\n");
server.kill();
