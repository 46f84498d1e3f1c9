/**
 * A small JSON Schema (draft 2020-12) checker for the subset docs/analysis.schema.json uses: `type`
 * (one or a list), `properties`, `required`, `additionalProperties` (false or a schema), `items`,
 * `enum`, `pattern`, `minimum` and local `$ref`s (`#/$defs/…`). A value and a schema in, the list of
 * violations out (empty when valid), each with its JSON path. Used by the tests to hold `toJSON`'s
 * output to the published schema without adding a validator dependency.
 */

export type SchemaNode = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  $defs?: Record<string, SchemaNode>;
};

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(actual: string, wanted: string): boolean {
  return actual === wanted || (wanted === "number" && actual === "integer");
}

export function checkSchema(value: unknown, root: SchemaNode): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): SchemaNode => {
    const m = /^#\/\$defs\/(.+)$/.exec(ref);
    const def = m?.[1] !== undefined ? root.$defs?.[m[1]] : undefined;
    if (!def) throw new Error(`unresolvable $ref ${ref}`);
    return def;
  };
  const walk = (v: unknown, s: SchemaNode, path: string): void => {
    if (s.$ref) {
      walk(v, resolve(s.$ref), path);
      return;
    }
    const t = typeOf(v);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((w) => typeMatches(t, w))) {
        errors.push(`${path}: expected ${types.join("|")}, got ${t}`);
        return;
      }
    }
    if (s.enum && !s.enum.some((e) => e === v))
      errors.push(`${path}: ${JSON.stringify(v)} not in ${JSON.stringify(s.enum)}`);
    if (t === "string" && s.pattern !== undefined && !new RegExp(s.pattern, "u").test(v as string))
      errors.push(`${path}: ${JSON.stringify(v)} does not match /${s.pattern}/`);
    if ((t === "integer" || t === "number") && s.minimum !== undefined && (v as number) < s.minimum)
      errors.push(`${path}: ${v} < ${s.minimum}`);
    if (t === "array" && s.items) {
      const items = s.items;
      (v as unknown[]).forEach((x, i) => {
        walk(x, items, `${path}[${i}]`);
      });
    }
    if (t === "object") {
      const o = v as Record<string, unknown>;
      for (const r of s.required ?? []) if (!(r in o)) errors.push(`${path}: missing required "${r}"`);
      for (const [k, x] of Object.entries(o)) {
        const p = s.properties?.[k];
        if (p) walk(x, p, `${path}.${k}`);
        else if (s.additionalProperties === false) errors.push(`${path}: unexpected property "${k}"`);
        else if (typeof s.additionalProperties === "object") walk(x, s.additionalProperties, `${path}.${k}`);
      }
    }
  };
  walk(value, root, "$");
  return errors;
}
