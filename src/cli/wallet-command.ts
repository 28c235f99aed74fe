/**
 * `tandem wallet link|list|unlink --user NAME`: a user's linked wallets. The secrets are read from a file
 * (`--secrets-file FILE`) or standard input (`--secrets-stdin`), never from the command line: either a bare private
 * key (0x + 64 hex digits) or JSON {"private_key"?, "api_secret"?, "api_passphrase"?}. Nothing printed holds a secret
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { UserWallet } from '../store/user-wallet-store.ts';
import type { Command, Values } from './command.ts';

/** What the verbs run, imported when one runs (src/cli/commands.ts) */
const engine = async () => {
  const [clock, wallets, gates, box, users] = await Promise.all([import('../engine/clock.ts'),
    import('../engine/user-wallets.ts'), import('../engine/wallet-gates.ts'), import('../store/secret-box.ts'),
    import('../store/user-store.ts')]);
  return { ...clock, ...wallets, ...gates, ...box, ...users };
};

export const WALLET_USAGE = 'link|list|unlink --user NAME [--secrets-file FILE | --secrets-stdin] [--signature-type 0|1|2|3] '
  + '[--funder 0x..] [--api-key KEY] [--address 0x..] [--label TEXT]   (unlink: --address 0x..)';

const walletFields = (w: UserWallet) => ({ address: w.address, label: w.label, signature_type: w.signatureType,
  funder: w.funder, has_private_key: w.hasPrivateKey, has_api_credentials: w.apiKey !== null, linked_at: w.linkedAt.toISOString() });
const walletLine = (w: UserWallet) => JSON.stringify(walletFields(w));

/** One line per wallet, with its venue state as the running Tandem last recorded it (this process runs no gate) */
async function listLines(db: Db, userId: string): Promise<string> {
  const { listWallets, walletVenueStates } = await engine();
  const venue = await walletVenueStates(db, userId);
  return (await listWallets({ db }, userId)).map((w) => {
    const v = venue(w.address);
    return JSON.stringify({ ...walletFields(w), venue: { state: v.state, reasons: v.reasons, checked_at: v.checkedAt?.toISOString() ?? null } });
  }).join('\n') || '(no wallets)';
}

/** The secrets text as link input: a bare key, or JSON with the secret fields only */
export function secretsInput(text: string): Record<string, unknown> | null {
  const t = text.trim();
  if (t === '') return {};
  if (/^0x[0-9a-fA-F]{64}$/.test(t)) return { private_key: t };
  try {
    const v = JSON.parse(t) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
    const allowed = ['private_key', 'api_secret', 'api_passphrase'];
    return Object.keys(v).every((k) => allowed.includes(k)) ? (v as Record<string, unknown>) : null;
  } catch {
    return null; // the parser's message may quote the text: never shown
  }
}

async function readSecrets(values: Values, stdin: () => Promise<string>): Promise<string> {
  if (typeof values['secrets-file'] === 'string') return readFileSync(values['secrets-file'], 'utf8');
  return values['secrets-stdin'] === true ? stdin() : '';
}

const optional = (values: Values, flag: string, field: string): Record<string, unknown> =>
  (typeof values[flag] === 'string' ? { [field]: values[flag] } : {});

/** Runs one verb; exit code 0 done, 1 refused, 2 usage or unknown user */
export async function walletCommand(deps: { db: Db; config: Readonly<Config>; stdin: () => Promise<string> },
  verb: string | undefined, values: Values): Promise<{ code: number; out: string }> {
  if (typeof values.user !== 'string') return { code: 2, out: `usage: tandem wallet ${WALLET_USAGE}` };
  const { createSecretBox, linkWallet, systemClock: clock, unlinkWallet, userByName } = await engine();
  const user = await userByName(deps.db, values.user);
  if (!user) return { code: 2, out: `no user ${values.user}` };
  if (verb === 'list') return { code: 0, out: await listLines(deps.db, user.userId) };
  if (verb === 'unlink') {
    if (typeof values.address !== 'string') return { code: 2, out: 'usage: tandem wallet unlink --user NAME --address 0x..' };
    const r = await unlinkWallet({ db: deps.db, clock }, user.userId, values.address);
    return r.ok ? { code: 0, out: `unlinked ${r.value.address}` } : { code: 1, out: r.error.message };
  }
  if (verb !== 'link') return { code: 2, out: `usage: tandem wallet ${WALLET_USAGE}` };
  const secrets = secretsInput(await readSecrets(values, deps.stdin));
  if (secrets === null) return { code: 2, out: 'the secrets must be a private key (0x + 64 hex digits) or JSON with private_key, api_secret, api_passphrase' };
  const input = { ...secrets, ...optional(values, 'api-key', 'api_key'), ...optional(values, 'funder', 'funder'),
    ...optional(values, 'address', 'address'), ...optional(values, 'label', 'label'),
    ...(typeof values['signature-type'] === 'string' ? { signature_type: Number(values['signature-type']) } : {}) };
  const box = deps.config.secretKey ? createSecretBox(deps.config.secretKey) : null;
  const r = await linkWallet({ db: deps.db, clock, secrets: box }, user.userId, input);
  if (r.ok) return { code: 0, out: walletLine(r.value) };
  const issues = (r.error.issues ?? []) as { path: unknown[]; message: string }[];
  return { code: 1, out: [r.error.message, ...issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)].join('\n') };
}

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export const walletCliCommand = (withDb: <T>(config: Config, fn: (db: Db) => Promise<T>) => Promise<T>): Command => ({
  summary: 'Link, list or unlink a user\'s Polymarket wallets (secrets from a file or stdin, stored encrypted)',
  usage: WALLET_USAGE,
  help: 'Secrets are never taken from the command line: --secrets-file FILE or --secrets-stdin gives a private key\n'
    + '(0x + 64 hex) or JSON {"private_key", "api_secret", "api_passphrase"}. Storing a secret needs TANDEM_SECRET_KEY.\n'
    + 'Example: tandem wallet link --user alice --secrets-stdin --signature-type 2 --funder 0x... < key.txt',
  options: { user: { type: 'string' }, address: { type: 'string' }, label: { type: 'string' }, funder: { type: 'string' },
    'signature-type': { type: 'string' }, 'api-key': { type: 'string' }, 'secrets-file': { type: 'string' },
    'secrets-stdin': { type: 'boolean' } },
  run: async ({ config, values, positionals }) => {
    const r = await withDb(config, (db) => walletCommand({ db, config, stdin: readStdin }, positionals[0], values));
    (r.code === 0 ? console.log : console.error)(r.out);
    return r.code;
  },
});
