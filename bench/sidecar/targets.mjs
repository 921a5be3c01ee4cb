#!/usr/bin/env node
// 1,000 simulated EVM nodes for the audit benchmark: one HTTP server on 127.0.0.1 answering the
// JSON-RPC health batch (eth_syncing, eth_getBlockByNumber, net_peerCount) on /t/<i>; every 10th
// target is down (HTTP 503) so the auditor sees both outcomes. Prints {"port":N} and runs until killed.
import { createServer } from "node:http";

const server = createServer((req, res) => {
  const i = Number((req.url ?? "").split("/").pop());
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    if (i % 10 === 9) {
      res.writeHead(503).end();
      return;
    }
    const calls = JSON.parse(body);
    const now = `0x${Math.floor(Date.now() / 1000).toString(16)}`;
    const answer = calls.map((c) => ({
      jsonrpc: "2.0",
      id: c.id,
      result:
        c.method === "eth_syncing" ? false : c.method === "net_peerCount" ? "0x19" : { number: "0x10", timestamp: now },
    }));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.once("SIGTERM", () => server.close(() => process.exit(0)));
