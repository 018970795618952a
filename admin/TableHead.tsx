import type { ReactElement, ReactNode } from 'react';

/**
 * A table's header row: one column header per label, each styled `className` (or the class it gives for
 * its column). Keyed by position, since a table's columns are fixed.
 */
export function TableHead({
  labels,
  className,
}: {
  labels: readonly ReactNode[];
  className: string | ((column: number) => string);
}): ReactElement {
  return (
    <thead>
      <tr>
        {labels.map((label, column) => (
          <th
            key={column}
            className={typeof className === 'string' ? className : className(column)}
            scope="col"
          >
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
