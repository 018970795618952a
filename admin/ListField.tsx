import { Field, Textarea } from '@fluentui/react-components';
import { useEffect, useRef, useState, type ReactElement } from 'react';

/** Entries one per line (commas and semicolons also separate); blank lines are not entries. */
export function parseList(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((value, index) => value === b[index]);

/**
 * A list edited as text. The text is kept as typed (a new, still empty line stays), and is replaced only
 * when the list changes from elsewhere (the JSON editor, a reload).
 */
export function ListField({
  label,
  values,
  onChange,
  className,
}: {
  label: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  className?: string;
}): ReactElement {
  const [text, setText] = useState(() => values.join('\n'));
  const typed = useRef(values);
  useEffect(() => {
    if (!same(values, typed.current)) {
      typed.current = values;
      setText(values.join('\n'));
    }
  }, [values]);
  return (
    <Field label={label} {...(className ? { className } : {})}>
      <Textarea
        value={text}
        resize="vertical"
        onChange={(_event, data) => {
          const next = parseList(data.value);
          typed.current = next;
          setText(data.value);
          onChange(next);
        }}
      />
    </Field>
  );
}
