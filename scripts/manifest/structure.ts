import type { Problem } from './problems';
import { ROOT, XML_SCHEMA } from './schema';
import type {
  AttrSpec,
  ElementType,
  Particle,
  Report,
  Translated,
  TypeRef,
  ValueFacets,
} from './schema-types';
import { translation, type XmlElement } from './xml';

/**
 * The one interpreter of the schema table: element order and occurrences, xsi:type, required attributes,
 * value facets and translated strings, each reported under the rule the table names.
 */

/** The type the table gave each element. Elements under 'any' content or a misplaced parent have none. */
export type ElementTypes = ReadonlyMap<XmlElement, string>;

export function typeOf(types: ElementTypes, element: XmlElement): ElementType | undefined {
  const name = types.get(element);
  return name === undefined ? undefined : XML_SCHEMA[name];
}

type Vars = Readonly<Record<string, string | number>>;

function report(facet: Report, vars: Vars, where: string, problems: Problem[]): void {
  const message = facet.message.replace(/\{(\w+)\}/g, (all, key: string) => String(vars[key] ?? all));
  problems.push({ rule: facet.rule, message, where });
}

/** Reports the first facet `value` breaks, as XSD reports one type error per value; false if one broke. */
function checkValue(
  value: string | undefined,
  facets: ValueFacets,
  vars: Vars,
  where: string,
  problems: Problem[],
): boolean {
  const { fixed, oneOf, pattern, maxLength } = facets;
  let broken: Report | undefined;
  if (fixed && value !== fixed.value) broken = fixed;
  else if (value === undefined) return true;
  else if (oneOf && !oneOf.values.includes(value)) broken = oneOf;
  else if (pattern && !pattern.regex.test(value)) broken = pattern;
  else if (maxLength && value.length > maxLength.limit) broken = maxLength;
  if (broken === undefined) return true;
  const all = {
    ...vars,
    value: value ?? '',
    values: oneOf?.values.join(', ') ?? '',
    expected: fixed?.value ?? '',
    length: value?.length ?? 0,
    limit: maxLength?.limit ?? 0,
  };
  report(broken, all, where, problems);
  return false;
}

function checkAttrs(
  element: XmlElement,
  attrs: Readonly<Record<string, AttrSpec>>,
  problems: Problem[],
): void {
  for (const [attr, spec] of Object.entries(attrs)) {
    const value = element.attrs[attr];
    if (spec.required && (value ?? '').trim() === '') {
      problems.push({
        rule: 'required-attribute',
        message: `<${element.name}> is missing required attribute ${attr}`,
        where: element.path,
      });
      continue;
    }
    const vars = { element: element.name, attr };
    if (!checkValue(value, spec, vars, element.path, problems)) continue;
    const { onlyWith } = spec;
    if (onlyWith && value !== undefined) {
      const other = element.attrs[onlyWith.attr] ?? '';
      if (!onlyWith.values.includes(other))
        report(onlyWith, { ...vars, value, other }, element.path, problems);
    }
  }
}

function checkTranslated(element: XmlElement, translated: Translated, problems: Problem[]): void {
  const values: [string, string | undefined, string][] = [
    [translated.defaultLocale, element.attrs.DefaultValue, ''],
    ...translated.translations.map((locale): [string, string | undefined, string] => [
      locale,
      translation(element, locale),
      ' (add an Override)',
    ]),
  ];
  for (const [locale, value, hint] of values) {
    if (value === undefined || value.trim() === '') {
      problems.push({
        rule: 'locale',
        message: `<${element.name}> has no ${locale} text${hint}`,
        where: element.path,
      });
    } else if (value.length > translated.limit) {
      problems.push({
        rule: 'string-length',
        message: `${locale} text of <${element.name}> is ${value.length} characters; the limit is ${translated.limit}`,
        where: element.path,
      });
    }
  }
}

function resolveType(ref: TypeRef, element: XmlElement, problems: Problem[]): string | undefined {
  if (typeof ref === 'string') return ref;
  const xsiType = element.attrs['xsi:type'];
  if (xsiType === undefined) {
    problems.push({
      rule: 'required-attribute',
      message: `<${element.name}> needs xsi:type (one of ${Object.keys(ref.xsiType).join(', ')})`,
      where: element.path,
    });
    return undefined;
  }
  const type = ref.xsiType[xsiType];
  if (type === undefined) {
    problems.push({
      rule: 'unexpected-element',
      message: `<${element.name} xsi:type="${xsiType}"> is not one of ${Object.keys(ref.xsiType).join(', ')} (types this validator does not know are refused)`,
      where: element.path,
    });
  }
  return type;
}

/** Matches the children against the sequence; returns each accepted child with its type. */
function checkSequence(
  element: XmlElement,
  particles: readonly Particle[],
  problems: Problem[],
): Map<XmlElement, TypeRef> {
  const typed = new Map<XmlElement, TypeRef>();
  const order = particles.map((particle) => particle.name).join(', ');
  // A required element that is present but misplaced is an order problem, not a missing one.
  const present = new Set(element.children.map((child) => child.name));
  let index = 0;
  let count = 0;
  const requireUpTo = (end: number): void => {
    for (let i = index; i < end; i++) {
      const particle = particles[i];
      const seen = i === index ? count : 0;
      if (particle && seen < particle.min && !present.has(particle.name)) {
        problems.push({
          rule: 'required-element',
          message: `<${element.name}> is missing required <${particle.name}>`,
          where: element.path,
        });
      }
    }
  };
  for (const child of element.children) {
    const found = particles.findIndex((particle, i) => i >= index && particle.name === child.name);
    if (found === -1) {
      const earlier = particles.some((particle) => particle.name === child.name);
      problems.push(
        earlier
          ? {
              rule: 'element-order',
              message: `<${child.name}> is out of order in <${element.name}>; the order is: ${order}`,
              where: child.path,
            }
          : {
              rule: 'unexpected-element',
              message: `<${child.name}> is not allowed in <${element.name}> (allowed: ${order || 'nothing'})`,
              where: child.path,
            },
      );
      continue;
    }
    if (found !== index) {
      requireUpTo(found);
      index = found;
      count = 0;
    }
    count++;
    const particle = particles[found];
    if (particle === undefined) continue;
    if (count > particle.max) {
      problems.push({
        rule: 'element-count',
        message: `<${element.name}> may have at most ${particle.max} <${particle.name}>`,
        where: child.path,
      });
    }
    typed.set(child, particle.type);
  }
  requireUpTo(particles.length);
  return typed;
}

function checkElement(
  element: XmlElement,
  typeName: string,
  types: Map<XmlElement, string>,
  problems: Problem[],
): void {
  const type = XML_SCHEMA[typeName];
  if (type === undefined) throw new Error(`XML_SCHEMA has no type ${typeName}`);
  types.set(element, typeName);
  checkAttrs(element, type.attrs ?? {}, problems);
  if (type.content === 'any') return;
  if (type.content === 'text') {
    if (element.text === '') {
      problems.push({ rule: 'required-element', message: `<${element.name}> is empty`, where: element.path });
    } else if (type.text) {
      checkValue(element.text, type.text, { element: element.name, attr: '' }, element.path, problems);
    }
  }
  const typed = checkSequence(element, type.children ?? [], problems);
  for (const [child, ref] of typed) {
    const childType = resolveType(ref, child, problems);
    if (childType !== undefined) checkElement(child, childType, types, problems);
  }
  // After the children, so a wrong-locale Override is reported before the text it fails to provide.
  if (type.translated) checkTranslated(element, type.translated, problems);
}

/** Checks the document against the table and returns the type of each element it could place. */
export function checkStructure(root: XmlElement, problems: Problem[]): ElementTypes {
  const types = new Map<XmlElement, string>();
  if (root.name !== ROOT.name) {
    problems.push({
      rule: 'required-element',
      message: `the root element is <${root.name}>, not <${ROOT.name}>`,
    });
    return types;
  }
  const rootType = resolveType(ROOT.type, root, problems);
  if (rootType !== undefined) checkElement(root, rootType, types, problems);
  return types;
}
