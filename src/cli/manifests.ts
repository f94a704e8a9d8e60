/** `codeact-env manifests`: Kubernetes manifests for the server, as one YAML stream on stdout. */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CodeActError } from "../../errors/index.ts";
import { kubernetesManifests, toYamlStream } from "../deploy/index.ts";

export const MANIFESTS_HELP = `codeact-env manifests — Kubernetes manifests for the server (Deployment, Service, HPA, PDB)

Usage:
  codeact-env manifests --image REF [--replicas N] [--max-replicas N] [--max-sessions N]
                        [--name NAME] [--namespace NS] [--drain-ms N] [--out FILE]

Prints one YAML stream for \`kubectl apply -f -\` (or writes it to --out).

Options:
  --image         container image built from the Dockerfile (required)
  --replicas      replicas to start with, the autoscaler's minimum (default 2)
  --max-replicas  the autoscaler's maximum (default 4 x replicas)
  --max-sessions  sessions per pod (serve --max-sessions; default 64)
  --name          name of every object and the app label (default codeact-env)
  --namespace     namespace of every object (default: kubectl's)
  --drain-ms      on SIGTERM, in-flight steps get this long (default 25000); the pod's termination
                  grace is this plus the preStop pause plus a margin`;

export async function manifestsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      image: { type: "string" },
      replicas: { type: "string", default: "2" },
      "max-replicas": { type: "string" },
      "max-sessions": { type: "string", default: "64" },
      name: { type: "string", default: "codeact-env" },
      namespace: { type: "string" },
      "drain-ms": { type: "string", default: "25000" },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${MANIFESTS_HELP}\n`);
    return 0;
  }
  if (values.image === undefined) throw new CodeActError("INVALID_ARGUMENT", "--image is required");
  const replicas = integer("--replicas", values.replicas);
  const yaml = toYamlStream(
    kubernetesManifests({
      image: values.image,
      replicas,
      maxReplicas:
        values["max-replicas"] === undefined
          ? replicas * 4
          : integer("--max-replicas", values["max-replicas"]),
      maxSessionsPerPod: integer("--max-sessions", values["max-sessions"]),
      name: values.name,
      drainMs: integer("--drain-ms", values["drain-ms"]),
      ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
    }),
  );
  if (values.out === undefined) process.stdout.write(yaml);
  else writeFileSync(values.out, yaml);
  return 0;
}

function integer(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new CodeActError("INVALID_ARGUMENT", `${flag} must be a non-negative integer (got '${text}')`);
  }
  return n;
}
