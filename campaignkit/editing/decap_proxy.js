// decap-server's local-files middleware, reachable only by the kit that started it.
//
// decap-server's own entry point listens on a TCP port with no authentication (any local
// process, and any web page through DNS rebinding, could write content/). This launcher runs
// the same middleware (decap-server/dist/middlewares.js, registerLocalFs) behind two locks:
// - it listens on a Unix socket inside a folder only this user can open (mode 0700), never on
//   a TCP port;
// - every request must carry the secret the kit wrote to this process's standard input
//   (header X-Campaignkit-Proxy-Secret), or it gets 403 and touches nothing.
// Usage: node decap_proxy.js DECAP_SERVER_FOLDER SOCKET_PATH   (GIT_REPO_DIRECTORY = the content folder; the
// secret on stdin, one line).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const [decapServer, socketPath] = process.argv.slice(2);
// Killed with the kit (PR_SET_PDEATHSIG sends SIGTERM), even while starting: leave no socket or folder behind.
process.on("SIGTERM", () => {
  if (socketPath) fs.rmSync(path.dirname(socketPath), { recursive: true, force: true });
  process.exit(0);
});
const express = require(require.resolve("express", { paths: [decapServer] }));
const { registerLocalFs } = require(path.join(decapServer, "dist", "middlewares.js"));

const secret = Buffer.from(fs.readFileSync(0, "utf8").trim(), "utf8");
if (!decapServer || !socketPath || secret.length < 32) {
  process.stderr.write("decap_proxy.js: 需要 decap-server 的文件夹、套接字路径和至少 32 字节的密钥\n");
  process.exit(2);
}

function authorised(req) {
  const given = Buffer.from(String(req.get("X-Campaignkit-Proxy-Secret") || ""), "utf8");
  return given.length === secret.length && crypto.timingSafeEqual(given, secret);
}

(async () => {
  const app = express();
  app.disable("x-powered-by");
  app.use((req, res, next) => {
    if (!authorised(req)) {
      res.status(403).json({ error: "只接受内容表单自己的请求" });
      return;
    }
    next();
  });
  await registerLocalFs(app, { logLevel: process.env.LOG_LEVEL || "error" });
  const server = app.listen(socketPath, () => {
    fs.chmodSync(socketPath, 0o600);
    process.stdout.write("ready\n");
  });
  server.on("error", (err) => {
    process.stderr.write(`decap_proxy.js: ${err.message}\n`);
    process.exit(1);
  });
})();
