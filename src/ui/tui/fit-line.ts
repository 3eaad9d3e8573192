import type { ReactNode } from 'react';
import { fitWidth } from '../../tables/index.js';

/** Columns a one-row line keeps: the terminal's width (the live area is never narrower than 20). */
export function lineBound(columns: number): number {
  return Math.max(20, columns > 0 ? columns : 80);
}

/**
 * The text of a one-row line cut to `bound` columns (`…` last) before ink measures it: ink (string-width) segments any text
 * that is not plain ASCII whole, in time quadratic in its length, so one 150 KB line held the event loop for
 * minutes. Strings and numbers, alone or in an array, are joined and cut; elements are left as they are (the rows
 * that hold them are cut or wrapped already).
 */
export function fitLine(children: ReactNode, bound: number): ReactNode {
  if (typeof children === 'string') return fitWidth(children, bound);
  if (Array.isArray(children) && children.every(isPlain)) {
    return fitWidth(children.filter((c) => typeof c === 'string' || typeof c === 'number').join(''), bound);
  }
  return children;
}

function isPlain(child: unknown): boolean {
  return typeof child === 'string' || typeof child === 'number' || typeof child === 'boolean' || child === null || child === undefined;
}
