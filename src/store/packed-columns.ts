/**
 * Column parameters for multi-row statements (`SELECT … FROM unnest(…)`), sent as few bytes as possible to parse.
 * A column goes as one text, its values joined by the unit separator (U+001F) with U+001E standing for NULL, which the
 * statement splits with string_to_array: PGlite serializes an array parameter element by element (quoting and escaping
 * each) and the server parses it back the same way, which for a replay's thousands of rows costs more than the insert
 * itself; one joined text is copied as it is and split without quoting. A column holding either control character,
 * or a lone empty string (which string_to_array reads as no element), goes as an ordinary array parameter instead.
 * Same statement, same values on PostgreSQL and PGlite
 */
const UNIT = '\u001f';
const NULL_MARK = '\u001e';

type Value = string | number | bigint | null;

/** Whether the values survive joining: no separator or NULL mark inside, and not a lone empty string */
function joinable(values: readonly Value[]): boolean {
  if (values.length === 1 && values[0] === '') return false;
  for (const v of values) if (typeof v === 'string' && (v.includes(UNIT) || v.includes(NULL_MARK))) return false;
  return true;
}

export class PackedColumns {
  readonly params: unknown[] = [];

  /** An SQL expression of type `type`[] holding `values` in order (bound to the next parameter) */
  column(values: readonly Value[], type: string): string {
    if (!joinable(values)) {
      this.params.push(values.map((v) => (typeof v === 'bigint' ? v.toString() : v)));
      return `$${this.params.length}::${type}[]`;
    }
    let text = '';
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      text += (i === 0 ? '' : UNIT) + (v === null ? NULL_MARK : String(v));
    }
    this.params.push(text);
    return `string_to_array($${this.params.length}::text, E'\\x1f', E'\\x1e')::${type}[]`;
  }

  /** A scalar parameter, as is */
  value(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}
