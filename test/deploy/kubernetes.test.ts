/**
 * The Kubernetes manifests, validated offline against the Kubernetes API schemas (kubernetes-models;
 * no cluster is reachable here), parsed back from the YAML we write, and rendered with parameters.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { main } from "../../src/cli/index.ts";
import { kubernetesManifests, toYamlStream } from "../../src/deploy/index.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const COMMITTED = join(ROOT, "deploy", "kubernetes", "codeact-env.yaml");
const DEFAULT_IMAGE = "registry.example.com/codeact-env:0.1.0";

// biome-ignore lint/suspicious/noExplicitAny: the assertions walk plain nested manifest JSON
type Doc = Record<string, any>;

function validate(doc: Doc): void {
  const models: Record<string, new (data: never) => { validate(): void }> = {
    Deployment,
    Service,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
  };
  const Model = models[doc.kind as string];
  if (Model === undefined) throw new Error(`no schema for kind ${String(doc.kind)}`);
  new Model(doc as never).validate();
}

function parse(yaml: string): Doc[] {
  return parseAllDocuments(yaml).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Doc;
  });
}

describe("Kubernetes manifests", () => {
  it("the committed deploy/kubernetes/codeact-env.yaml is the rendering of the defaults, and valid", () => {
    const committed = readFileSync(COMMITTED, "utf8");
    const rendered = kubernetesManifests({ image: DEFAULT_IMAGE });
    expect(committed).toBe(toYamlStream(rendered));
    const docs = parse(committed);
    expect(docs).toEqual(rendered);
    expect(docs.map((d) => d.kind)).toEqual([
      "Deployment",
      "Service",
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
    ]);
    for (const doc of docs) validate(doc);
    // The schema check is real: a wrong type or a missing required field is refused (unknown
    // fields are not: kubernetes-models' schemas allow them, only the API server refuses them).
    const broken = structuredClone(docs[0] as Doc);
    broken.spec.replicas = "two";
    expect(() => validate(broken)).toThrow(/replicas/);
    const unnamed = structuredClone(docs[0] as Doc);
    delete unnamed.spec.template.spec.containers[0].name;
    expect(() => validate(unnamed)).toThrow(/name/);
  });

  it("the Deployment: non-root, readiness on /ready, liveness on /health, a drain longer than the server's", () => {
    const [deployment] = kubernetesManifests({ image: DEFAULT_IMAGE, drainMs: 30_000 }) as Doc[];
    const pod = deployment?.spec.template.spec;
    const container = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(container.readinessProbe.httpGet.path).toBe("/ready");
    expect(container.livenessProbe.httpGet.path).toBe("/health");
    expect(container.args).toEqual(expect.arrayContaining(["--shutdown-grace-ms", "30000"]));
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds + 30);
    // The Dockerfile's user is the one the pod runs as.
    expect(readFileSync(join(ROOT, "Dockerfile"), "utf8")).toMatch(/useradd --system --uid 999 /);
  });

  it("renders with the image and replica count as parameters; bad parameters are named", () => {
    const docs = kubernetesManifests({
      image: "r.example/x:1",
      replicas: 5,
      namespace: "rl",
      maxSessionsPerPod: 128,
    });
    for (const doc of docs) validate(doc as Doc);
    const [deployment, , hpa] = docs as Doc[];
    expect(deployment?.spec.replicas).toBe(5);
    expect(deployment?.metadata.namespace).toBe("rl");
    expect(deployment?.spec.template.spec.containers[0].image).toBe("r.example/x:1");
    expect(deployment?.spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining(["--max-sessions", "128"]),
    );
    expect(hpa?.spec).toMatchObject({ minReplicas: 5, maxReplicas: 20 });
    expect(() => kubernetesManifests({ image: "x", replicas: 0 })).toThrow(
      /replicas must be 1\.\.1000 \(got 0\)/,
    );
    expect(() => kubernetesManifests({ image: "has space" })).toThrow(/image must be/);
    expect(() => kubernetesManifests({ image: "x", name: "Bad_Name" })).toThrow(/name must be a DNS label/);
    expect(() => kubernetesManifests({ image: "x", replicas: 3, maxReplicas: 2 })).toThrow(/maxReplicas/);
  });

  it("`codeact-env manifests` prints the same stream", async () => {
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => chunks.push(chunk) > 0) as typeof process.stdout.write;
    try {
      expect(await main(["manifests", "--image", "r.example/x:2", "--replicas", "3"])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const docs = parse(chunks.join(""));
    expect(docs).toEqual(kubernetesManifests({ image: "r.example/x:2", replicas: 3 }));
  });
});
