/** `codeact-env validate <url>`: check any OpenEnv server against the wire protocol. */
import { parseArgs } from "node:util";
import { CodeActError } from "../../errors/index.ts";
import { formatReport, validateServer } from "../client/index.ts";

export const VALIDATE_HELP = `codeact-env validate — check an OpenEnv server against the wire protocol

Usage:
  codeact-env validate <url> [--json]

Checks /health, /metadata, /schema, /openapi.json, POST /mcp, a reset/step/state round trip over
/ws and over HTTP, and the error frames (invalid JSON, unknown type, bad action). Prints a
pass/fail table (--json: the report as JSON). Exit status 1 when any check fails.`;

export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${VALIDATE_HELP}\n`);
    return 0;
  }
  const [url, ...extra] = positionals;
  if (!url || extra.length) throw new CodeActError("INVALID_ARGUMENT", "validate needs exactly one URL");
  if (!/^https?:\/\//.test(url)) throw new CodeActError("INVALID_ARGUMENT", `not an http(s) URL: '${url}'`);
  const report = await validateServer(url);
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  return report.ok ? 0 : 1;
}
