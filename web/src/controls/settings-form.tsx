// The execution settings as form fields: each with its meaning, its default, and the API's messages at the field
import type { ApiError } from '../api.ts';
import { SETTINGS, type Setting } from './settings.ts';

/** The API's messages for one body field, shown under it (role=alert so a screen reader hears it) */
export function FieldError({ error, field }: { error: ApiError | null; field: string }) {
  const messages = error?.at(field) ?? [];
  if (messages.length === 0) return null;
  return <span class="field-error" role="alert" data-error-for={field}>{messages.join('; ')}</span>;
}

function Input(props: { s: Setting; value: string; onChange: (v: string) => void }) {
  const { s, value } = props;
  const set = (e: Event) => props.onChange((e.target as HTMLInputElement | HTMLSelectElement).value);
  if (s.kind === 'enum' || s.kind === 'bool') {
    const options = s.kind === 'bool' ? ['false', 'true'] : (s.options ?? []);
    return <select name={s.name} value={value} onChange={set}>
      {options.map((o) => <option value={o}>{s.kind === 'bool' ? (o === 'true' ? 'on' : 'off') : o}</option>)}</select>;
  }
  return <input name={s.name} value={value} onInput={set} inputMode={s.kind === 'int' ? 'numeric' : 'decimal'}
    placeholder={s.nullable ? (s.empty ?? 'no limit') : undefined} autocomplete="off" />;
}

const shownDefault = (s: Setting) =>
  (s.def === '' ? 'none' : s.kind === 'bool' ? (s.def === 'true' ? 'on' : 'off') : `${s.def}${s.unit ? ` ${s.unit}` : ''}`);

export function SettingsFields(props: {
  values: Record<string, string>; onChange: (name: string, value: string) => void; error: ApiError | null;
}) {
  return (
    <div class="settings" data-testid="settings-fields">
      {SETTINGS.map((s) => (
        <div class="setting" data-setting={s.name} key={s.name}>
          <label>
            <span class="setting-name">{s.label}{s.unit ? ` (${s.unit})` : ''} <code>{s.name}</code></span>
            <Input s={s} value={props.values[s.name] ?? ''} onChange={(v) => props.onChange(s.name, v)} />
          </label>
          <span class="note">{s.meaning} Default: {shownDefault(s)}.</span>
          <FieldError error={props.error} field={s.name} />
        </div>
      ))}
    </div>
  );
}

/** The settings' default texts */
export const defaultValues = (): Record<string, string> => Object.fromEntries(SETTINGS.map((s) => [s.name, s.def]));
