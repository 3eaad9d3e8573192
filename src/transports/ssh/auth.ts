import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type AuthenticationType, type ParsedKey } from 'ssh2';
import type { SecretRequest } from './options.js';
import { endpointKey, type Endpoint } from './ssh-config.js';

// ssh2 is CommonJS without named ESM exports.
const { utils } = ssh2;
const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Secrets and decrypted keys kept in memory for the transport's lifetime, so reconnects do not ask again. */
export type SecretCache = Map<string, string | ParsedKey>;

export interface AuthContext {
  agentSocket: string | undefined;
  askSecret: ((request: SecretRequest) => Promise<string | undefined>) | undefined;
  homeDir: string;
  cache: SecretCache;
}

export interface AuthAttempts {
  handler: AuthHandlerMiddleware;
  /** What was tried, for the error message when every method fails (never contains a secret). */
  tried: string[];
}

type Candidate = { kind: 'agent' } | { kind: 'key'; file: string; explicit: boolean } | { kind: 'password' };

/** ssh-agent first, then identity files (encrypted ones ask for a passphrase), then password (asked for). */
export function createAuthHandler(endpoint: Endpoint, context: AuthContext): AuthAttempts {
  const tried: string[] = [];
  const explicit = endpoint.identityFiles.length > 0;
  const files = explicit ? endpoint.identityFiles : DEFAULT_IDENTITIES.map((f) => join(context.homeDir, '.ssh', f));
  const queue: Candidate[] = [
    ...(context.agentSocket ? [{ kind: 'agent' } as const] : []),
    ...files.map((file) => ({ kind: 'key', file, explicit }) as const),
    ...(context.askSecret ? [{ kind: 'password' } as const] : []),
  ];
  const passwordKey = `password:${endpointKey(endpoint)}`;
  let lastWasPassword = false;

  const nextMethod = async (methodsLeft: AuthenticationType[] | null): Promise<AnyAuthMethod | false> => {
    // A password that the server just rejected must not be reused on the next connection.
    if (lastWasPassword) context.cache.delete(passwordKey);
    lastWasPassword = false;
    const allows = (method: AuthenticationType): boolean => methodsLeft === null || methodsLeft.includes(method);
    for (let candidate = queue.shift(); candidate; candidate = queue.shift()) {
      const username = endpoint.user;
      switch (candidate.kind) {
        case 'agent':
          if (!allows('publickey')) continue;
          tried.push('ssh-agent');
          return { type: 'agent', username, agent: context.agentSocket! };
        case 'key': {
          if (!allows('publickey')) continue;
          const key = await loadKey(candidate.file, endpoint, context, tried, candidate.explicit);
          if (!key) continue;
          tried.push(`key ${candidate.file}`);
          return { type: 'publickey', username, key };
        }
        case 'password': {
          const method = allows('password') ? 'password' : allows('keyboard-interactive') ? 'keyboard-interactive' : undefined;
          if (!method) continue;
          const password = await askCached(context, passwordKey, {
            kind: 'password',
            host: endpoint.name,
            user: username,
            prompt: `Password for ${username}@${endpoint.address}:`,
          });
          if (password === undefined) continue;
          tried.push(method);
          lastWasPassword = true;
          if (method === 'password') return { type: 'password', username, password };
          return {
            type: 'keyboard-interactive',
            username,
            prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
          };
        }
      }
    }
    return false;
  };

  return {
    tried,
    handler: (methodsLeft, _partialSuccess, next) => {
      // ssh2 takes `false` for "no more methods"; its type definitions omit that.
      const done = next as (method: AnyAuthMethod | false) => void;
      nextMethod(methodsLeft).then(done, () => done(false));
    },
  };
}

async function loadKey(
  file: string,
  endpoint: Endpoint,
  context: AuthContext,
  tried: string[],
  explicit: boolean,
): Promise<ParsedKey | undefined> {
  const cached = context.cache.get(`key:${file}`);
  if (cached !== undefined && typeof cached !== 'string') return cached;
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    // Default identities that do not exist are not worth mentioning; a configured one is.
    if (explicit) tried.push(`key ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
  let parsed = firstKey(utils.parseKey(data));
  if (parsed instanceof Error && /no passphrase given/i.test(parsed.message)) {
    const passphrase = await askCached(context, `passphrase:${file}`, {
      kind: 'passphrase',
      host: endpoint.name,
      user: endpoint.user,
      keyFile: file,
      prompt: `Passphrase for key ${file}:`,
    });
    if (passphrase === undefined) {
      tried.push(`key ${file} (encrypted, no passphrase given)`);
      return undefined;
    }
    parsed = firstKey(utils.parseKey(data, passphrase));
    if (parsed instanceof Error) context.cache.delete(`passphrase:${file}`);
  }
  if (parsed instanceof Error) {
    tried.push(`key ${file} (${parsed.message})`);
    return undefined;
  }
  context.cache.set(`key:${file}`, parsed);
  return parsed;
}

async function askCached(context: AuthContext, cacheKey: string, request: SecretRequest): Promise<string | undefined> {
  const cached = context.cache.get(cacheKey);
  if (typeof cached === 'string') return cached;
  const answer = await context.askSecret?.(request);
  if (answer !== undefined) context.cache.set(cacheKey, answer);
  return answer;
}

function firstKey(parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  if (Array.isArray(parsed)) return parsed[0] ?? new Error('no key in file');
  return parsed;
}
