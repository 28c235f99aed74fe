/**
 * Secrets at rest: AES-256-GCM (node:crypto) with a random 12-byte nonce per secret and associated data that binds
 * the ciphertext to its owner (user and wallet), so a sealed value copied to another row does not open. The key comes
 * from configuration (TANDEM_SECRET_KEY); a wrong key or a changed byte fails the authentication tag with a clear error.
 * Sealed form: `v1.` + base64(nonce ‖ tag ‖ ciphertext)
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1.';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

export interface SecretBox {
  /** Encrypts `plaintext` bound to `context` (the same context must be given to open it) */
  seal(plaintext: string, context: string): string;
  /** Decrypts; throws SecretBoxError when the key is wrong, the value was altered or the context differs */
  open(sealed: string, context: string): string;
}

export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== SECRET_KEY_BYTES) throw new SecretBoxError(`the secret key must be ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
  const k = Buffer.from(key);
  return {
    seal(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, nonce);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return VERSION + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed, context) {
      if (!sealed.startsWith(VERSION)) throw new SecretBoxError('not a sealed secret (unknown format)');
      const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
      if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SecretBoxError('not a sealed secret (too short)');
      const decipher = createDecipheriv('aes-256-gcm', k, raw.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('a stored secret does not open with TANDEM_SECRET_KEY: the key is wrong, or the stored value was altered');
      }
    },
  };
}

/** A 32-byte key written as 64 hex digits or as base64 (44 characters); null when the text is neither */
export function parseSecretKey(text: string): Uint8Array | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return b.length === SECRET_KEY_BYTES ? b : null;
  }
  return null;
}
