import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** The XML manifest as a tree that keeps element order, with a readable path for each element. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  path: string;
  parent: XmlElement | undefined;
}

type OrderedNode = Record<string, unknown>;

function toElements(nodes: unknown, parent: XmlElement | undefined): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const out: XmlElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    const name = Object.keys(node).find((key) => key !== ':@');
    if (name === undefined || name.startsWith('#') || name.startsWith('?')) continue;
    const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;
    const attrs: Record<string, string> = {};
    for (const [key, value] of Object.entries(rawAttrs)) attrs[key] = String(value);
    const label = `${name}${attrs['xsi:type'] ? `[${attrs['xsi:type']}]` : ''}${attrs.id ? `#${attrs.id}` : ''}`;
    const element: XmlElement = {
      name,
      attrs,
      children: [],
      text: '',
      path: parent ? `${parent.path}/${label}` : label,
      parent,
    };
    const content = node[name];
    element.children = toElements(content, element);
    if (Array.isArray(content)) {
      element.text = (content as OrderedNode[])
        .map((child) => child['#text'])
        .filter((text) => text !== undefined)
        .map(String)
        .join('')
        .trim();
    }
    out.push(element);
  }
  return out;
}

/** Parses with fast-xml-parser in preserveOrder mode, so element order survives. Throws on malformed XML. */
export function parseXml(xml: string): XmlElement {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Error(`malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    commentPropName: '#comment',
  });
  const roots = toElements(parser.parse(xml), undefined);
  const root = roots[0];
  if (roots.length !== 1 || root === undefined) throw new Error('expected exactly one root element');
  return root;
}

export function* walk(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) yield* walk(child);
}

export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((child) => child.name === name) : [];
}

export function childNamed(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return childrenNamed(element, name)[0];
}

/** The VersionOverrides 1.1 inside the 1.0 one, where the launch events live. */
export function innerVersionOverrides(root: XmlElement): XmlElement | undefined {
  return childNamed(childNamed(root, 'VersionOverrides'), 'VersionOverrides');
}

/** The Value of an element's Override (or bt:Override) for `locale`. */
export function translation(element: XmlElement, locale: string): string | undefined {
  return element.children.find((child) => child.name.endsWith('Override') && child.attrs.Locale === locale)
    ?.attrs.Value;
}
