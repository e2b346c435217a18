import { createRequire as __wpCreateRequire } from 'node:module'; const require = __wpCreateRequire(import.meta.url);
import {
  quickSkip
} from "./chunk-3EFMHANN.js";
import "./chunk-UR2CMWYT.js";

// src/index.ts
import { appendFileSync, readFileSync, writeSync } from "node:fs";
function quickSkipReason(env) {
  const eventName = env.GITHUB_EVENT_NAME;
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventName || !eventPath) return null;
  let payload;
  try {
    payload = JSON.parse(readFileSync(eventPath, "utf8"));
  } catch {
    return null;
  }
  const label = env["INPUT_TRIGGER-LABEL"]?.trim() || "wild-plan";
  return quickSkip(eventName, payload, label);
}
var reason = quickSkipReason(process.env);
if (reason !== null) {
  writeSync(1, `Skipped: ${reason}
`);
  if (process.env.GITHUB_OUTPUT) {
    const delimiter = `ghadelimiter_${process.pid}_${Date.now()}`;
    appendFileSync(process.env.GITHUB_OUTPUT, `status<<${delimiter}
skipped
${delimiter}
`);
  }
} else {
  const { runFromEnvironment } = await import("./entry-V62DOMR6.js");
  await runFromEnvironment();
}
