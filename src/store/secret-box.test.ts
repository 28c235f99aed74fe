// @backend-independent
/** AES-256-GCM secrets at rest: round trip, a fresh nonce per seal, tamper and wrong-key detection, the key's formats */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, parseSecretKey, SecretBoxError } from './secret-box.ts';

const key = randomBytes(32);
const box = createSecretBox(key);
const SECRET = '0x' + '5e'.repeat(32);

describe('secret box', () => {
  it('opens what it sealed, with a fresh nonce each time and no plaintext in the sealed form', () => {
    const a = box.seal(SECRET, 'user-1:0xabc');
    const b = box.seal(SECRET, 'user-1:0xabc');
    expect(a).not.toBe(b);
    expect(a.startsWith('v1.')).toBe(true);
    for (const s of [a, b]) {
      expect(s).not.toContain(SECRET);
      expect(s).not.toContain(SECRET.slice(2));
      expect(Buffer.from(s.slice(3), 'base64').toString('hex')).not.toContain(SECRET.slice(2));
      expect(box.open(s, 'user-1:0xabc')).toBe(SECRET);
    }
  });

  it('refuses an altered byte, another context and a wrong key with a clear error', () => {
    const sealed = box.seal(SECRET, 'user-1:0xabc');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    for (const i of [0, 12, 28, raw.length - 1]) { // nonce, tag, ciphertext
      const bad = Buffer.from(raw);
      bad[i] = bad[i]! ^ 1;
      expect(() => box.open(`v1.${bad.toString('base64')}`, 'user-1:0xabc')).toThrow(SecretBoxError);
    }
    expect(() => box.open(sealed, 'user-2:0xabc')).toThrow(/does not open with TANDEM_SECRET_KEY/);
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'user-1:0xabc')).toThrow(/key is wrong/);
    expect(() => box.open('plain', 'x')).toThrow(/unknown format/);
    expect(() => box.open('v1.AAAA', 'x')).toThrow(/too short/);
  });

  it('takes a 32-byte key as hex or base64 and nothing else', () => {
    expect(Buffer.from(parseSecretKey(key.toString('hex'))!).equals(key)).toBe(true);
    expect(Buffer.from(parseSecretKey(key.toString('base64'))!).equals(key)).toBe(true);
    expect(Buffer.from(parseSecretKey(key.toString('base64url'))!).equals(key)).toBe(true);
    for (const bad of ['', 'abc', key.toString('hex').slice(2), randomBytes(16).toString('base64'), randomBytes(33).toString('base64')]) {
      expect(parseSecretKey(bad)).toBeNull();
    }
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
