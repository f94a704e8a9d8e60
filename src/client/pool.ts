/**
 * EnvPool: one client over several replicas of the server. Each episode opens on the replica with
 * the most free session slots (from their `GET /ready`, refreshed every `refreshMs`, minus what
 * this pool opened since); a refused connect (down, full, draining) is retried on the next replica.
 * An episode stays on its replica (its WebSocket is its session); if that replica is lost, the
 * episode's calls fail with the client's clear "Lost the server at ..." error, the replica is
 * marked down, and new episodes go to the others.
 */
import { CodeActError } from "../../errors/index.ts";
import { type ClientOptions, EnvClient } from "./client.ts";

export interface EnvPoolOptions extends ClientOptions {
  /** How old a replica's `/ready` answer may be before it is asked again. Default 1 s. */
  refreshMs?: number;
  /** Timeout of one `/ready` request. Default 2 s. */
  readyTimeoutMs?: number;
}

export interface ReplicaStatus {
  url: string;
  /** Free slots it reported, minus episodes this pool opened there since; 0 when down or full. */
  free: number;
  /** Episodes of this pool open on it now. */
  open: number;
  /** Why it takes no episodes now (unreachable, full, draining), or undefined when it does. */
  down: string | undefined;
}

interface Replica {
  url: string;
  free: number;
  open: number;
  down: string | undefined;
  checkedAt: number;
}

export class EnvPool implements AsyncDisposable {
  readonly #replicas: Replica[];
  readonly #options: EnvPoolOptions;
  readonly #clients = new Set<EnvClient>();
  #refreshing: Promise<void> | undefined;
  #turn = 0;
  #closed = false;

  constructor(urls: readonly string[], options: EnvPoolOptions = {}) {
    if (urls.length === 0)
      throw new CodeActError("INVALID_ARGUMENT", "EnvPool needs at least one server URL");
    for (const url of urls) {
      if (!/^(https?|wss?):\/\//.test(url)) {
        throw new CodeActError("INVALID_ARGUMENT", `EnvPool: not an http(s)/ws(s) URL: '${url}'`);
      }
    }
    this.#replicas = urls.map((url) => ({ url, free: 0, open: 0, down: "not checked yet", checkedAt: 0 }));
    this.#options = options;
  }

  status(): ReplicaStatus[] {
    return this.#replicas.map(({ url, free, open, down }) => ({ url, free, open, down }));
  }

  /** A connected client on the replica with the most room. Close it (or dispose it) when done. */
  async open(): Promise<EnvClient> {
    if (this.#closed) throw new CodeActError("DISPOSED", "EnvPool closed");
    await this.#refresh();
    const tried: string[] = [];
    for (const replica of this.#ranked()) {
      let client: EnvClient | undefined;
      try {
        client = await EnvClient.connect(replica.url, this.#options);
        await client.opened(); // a full replica refuses here (CAPACITY), not on the first call
        replica.free = Math.max(0, replica.free - 1);
        replica.down = undefined;
        this.#track(replica, client);
        return client;
      } catch (error) {
        await client?.close();
        replica.down = (error as Error).message;
        replica.free = 0;
        tried.push(`${replica.url}: ${replica.down}`);
      }
    }
    throw new CodeActError("CAPACITY", `No replica can take an episode (${tried.join("; ")})`, {
      details: { replicas: this.status() },
    });
  }

  /** Runs `fn` with a client from open() and closes it afterwards, whatever happens. */
  async episode<T>(fn: (client: EnvClient) => Promise<T>): Promise<T> {
    const client = await this.open();
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  /** Closes every client still open. Harmless twice. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#clients].map((c) => c.close()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Every replica, those with room first (most room first; ties round-robin so load spreads), then
   * the ones that looked down or full: a /ready answer may be stale, the connect attempt decides.
   */
  #ranked(): Replica[] {
    this.#turn += 1;
    const n = this.#replicas.length;
    const room = (r: Replica) => (r.down === undefined ? r.free : -1);
    return this.#replicas
      .map((replica, index) => ({ replica, order: (index + this.#turn) % n }))
      .sort((a, b) => room(b.replica) - room(a.replica) || a.order - b.order)
      .map(({ replica }) => replica);
  }

  #track(replica: Replica, client: EnvClient): void {
    replica.open += 1;
    this.#clients.add(client);
    void client.ended.then((error) => {
      replica.open -= 1;
      this.#clients.delete(client);
      // Lost (not closed by its caller): take the replica out until its /ready answers again.
      if (error !== undefined) replica.down = error.message;
    });
  }

  async #refresh(): Promise<void> {
    const maxAgeMs = this.#options.refreshMs ?? 1000;
    const now = Date.now();
    if (this.#replicas.every((r) => now - r.checkedAt < maxAgeMs)) return;
    this.#refreshing ??= Promise.all(this.#replicas.map((r) => this.#check(r))).then(() => {
      this.#refreshing = undefined;
    });
    await this.#refreshing;
  }

  async #check(replica: Replica): Promise<void> {
    const url = `${replica.url.replace(/^ws/, "http").replace(/\/+$/, "").replace(/\/ws$/, "")}/ready`;
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(this.#options.readyTimeoutMs ?? 2000),
      });
      const body = (await response.json()) as { status?: unknown; free_sessions?: unknown };
      const free = typeof body.free_sessions === "number" ? body.free_sessions : 0;
      replica.free = free;
      replica.down = response.ok && free > 0 ? undefined : `not ready (${String(body.status)})`;
    } catch (error) {
      replica.free = 0;
      replica.down = `unreachable: ${(error as Error).message}`;
    }
    replica.checkedAt = Date.now();
  }
}
