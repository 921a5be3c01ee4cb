/** Flags of `mzku indexer start`, `mzku api start`, `mzku serve` and `mzku-indexer` (no imports: the CLI loads it eagerly). */
export const serviceUsage = `Options:
  --database-url <url>    PostgreSQL (postgres://user@host:port/db) instead of SQLite
  --db <path>             SQLite file (default mzku-indexer.sqlite)
  --rpc-url <url>         JSON-RPC of the chain (indexer, serve; default http://127.0.0.1:8545)
  --deployment <file>     deployment JSON written by the deploy script (indexer, serve;
                          default contracts/deployments/devnet.json)
  --confirmations <n>     blocks that can still reorganize (default 64)
  --batch-blocks <n>      most blocks per batch (default 2000)
  --host <addr>           API bind address (default 127.0.0.1)
  --port <n>              API port (default 8550)
  --metrics-port <n>      indexer only: serve /metrics on this port
  --max-limit <n>         largest page the API returns (default 100)
  --request-timeout <ms>  deadline of an API request (default 5000)
  --log-level <level>     debug, info, warn or error (default info)`;
