/**
 * What the single-file bundle carries inside itself. Empty in a normal install, where the files sit next to the
 * package; `scripts/bundle.mjs` replaces this module with the real contents.
 */
export interface Embedded {
  version: string;
  runbooks: Record<string, string>;
  schemas: Record<string, string>;
}

export const embedded: Embedded | undefined = undefined;
