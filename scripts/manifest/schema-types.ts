/**
 * The vocabulary of the schema table (schema.ts), which structure.ts interprets: XSD's sequences with
 * min/max occurrences, xsi:type-selected types, required attributes, and value facets (fixed, enumeration,
 * pattern, maxLength), plus two facets XSD cannot say: an attribute allowed only with certain values of
 * another, and a translated string.
 */

/**
 * The problem a broken facet reports. The message may use {element} (the element's name), {attr},
 * {value}, {values} (the allowed ones, comma-separated), {expected} (a fixed value), {length}, {limit},
 * and {other} (the value of the attribute an `onlyWith` depends on).
 */
export interface Report {
  readonly rule: string;
  readonly message: string;
}

export interface ValueFacets {
  /** Exactly this value; a missing value breaks it too (namespace declarations). */
  readonly fixed?: Report & { readonly value: string };
  readonly oneOf?: Report & { readonly values: readonly string[] };
  readonly pattern?: Report & { readonly regex: RegExp };
  readonly maxLength?: Report & { readonly limit: number };
}

export interface AttrSpec extends ValueFacets {
  /** Missing or blank is a required-attribute problem. */
  readonly required?: boolean;
  /** Allowed only when the element's attribute `attr` is one of `values`. */
  readonly onlyWith?: Report & { readonly attr: string; readonly values: readonly string[] };
}

/** A type name, or the type chosen by the element's xsi:type. */
export type TypeRef = string | { readonly xsiType: Readonly<Record<string, string>> };

export interface Particle {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly type: TypeRef;
}

export type ResourceKind = 'bt:Images' | 'bt:Urls' | 'bt:ShortStrings' | 'bt:LongStrings';

/**
 * A string shown to users: its DefaultValue (the default locale's text) and an Override for each
 * translated locale must be non-empty and at most `limit` characters.
 */
export interface Translated {
  readonly limit: number;
  readonly defaultLocale: string;
  readonly translations: readonly string[];
}

export interface ElementType {
  readonly attrs?: Readonly<Record<string, AttrSpec>>;
  /** Element children in schema order; undefined: no element children allowed. */
  readonly children?: readonly Particle[];
  /** 'text': must have non-empty text content; 'any': children are not checked. */
  readonly content?: 'text' | 'any';
  /** Facets of the text content. */
  readonly text?: ValueFacets;
  readonly translated?: Translated;
  /** The resource collection the element's resid must name; undefined: any. */
  readonly resid?: ResourceKind;
}

export interface RootSpec {
  readonly name: string;
  readonly type: TypeRef;
}

export const one = (name: string, type: TypeRef): Particle => ({ name, min: 1, max: 1, type });
export const opt = (name: string, type: TypeRef): Particle => ({ name, min: 0, max: 1, type });
export const many = (name: string, type: TypeRef, min = 0): Particle => ({
  name,
  min,
  max: Infinity,
  type,
});
