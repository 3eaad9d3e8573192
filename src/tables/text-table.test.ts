import { describe, expect, it } from 'vitest';
import { markdownCell, markdownTable } from './markdown-table.js';
import type { Table } from './record-table.js';
import { displayWidth, layoutTable, tableLines, wrapText } from './text-table.js';

const OPERATORS: Table = {
  columns: ['cluster', 'name', 'installedCSV'],
  rows: [
    ['global', 'harbor-ce-operator', 'harbor-ce-operator.v2.12.2'],
    ['business-1', 'mysql', ''],
  ],
};

const PLUGINS: Table = {
  columns: ['module', 'lifecycle', 'installed'],
  rows: [
    ['logcenter', 'aligned', 'global:v3.18.2, business-1:v3.16.4, business-2:v3.16.4'],
    ['harbor', 'agnostic', 'global:v2.12.2'],
  ],
};

describe('layoutTable', () => {
  it('pads every column to its widest cell, two spaces apart, no trailing spaces', () => {
    const layout = layoutTable(OPERATORS);
    expect(layout.stacked).toBe(false);
    expect(tableLines(layout)).toEqual([
      'cluster     name                installedCSV',
      'global      harbor-ce-operator  harbor-ce-operator.v2.12.2',
      'business-1  mysql',
    ]);
  });

  it('fits a width by wrapping the widest column onto continuation lines, keeping every character', () => {
    const layout = layoutTable(PLUGINS, { width: 41 });
    const lines = tableLines(layout);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(41);
    expect(lines.join('\n')).not.toContain('…');
    // Narrow columns keep their width; the wide one takes what is left (41 - 9 - 9 - 2 gaps of 2 = 19).
    expect(layout.header).toEqual(['module     lifecycle  installed']);
    expect(layout.rows[0]).toEqual(['logcenter  aligned    global:v3.18.2,', '                      business-1:v3.16.4,', '                      business-2:v3.16.4']);
    expect(layout.rows[1]).toEqual(['harbor     agnostic   global:v2.12.2']);
  });

  it('breaks a cell with no space wherever the width ends: the pieces make the whole value', () => {
    const sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const layout = layoutTable({ columns: ['host', 'sha256'], rows: [['cp1', sha]] }, { width: 30 });
    const pieces = layout.rows[0]!.map((line) => line.slice(6).trim());
    expect(pieces.join('')).toBe(sha);
    expect(pieces.every((p) => p.length <= 24)).toBe(true);
    expect(layout.rows[0]!.slice(1).every((line) => line.startsWith('      '))).toBe(true);
  });

  it('a line break inside a cell continues the cell on the next line', () => {
    expect(tableLines(layoutTable({ columns: ['a', 'b'], rows: [['x', 'one\ntwo']] }))).toEqual(['a  b', 'x  one', '   two']);
  });

  it('stacks the records as "- key: value" blocks when the columns cannot all fit; a long value goes under its key', () => {
    const layout = layoutTable(PLUGINS, { width: 26 });
    expect(layout.stacked).toBe(true);
    expect(layout.header).toEqual([]);
    expect(layout.rows).toEqual([
      ['- module:    logcenter', '  lifecycle: aligned', '  installed:', '    global:v3.18.2,', '    business-1:v3.16.4,', '    business-2:v3.16.4'],
      ['- module:    harbor', '  lifecycle: agnostic', '  installed:', '    global:v2.12.2'],
    ]);
    for (const line of tableLines(layout)) expect(displayWidth(line)).toBeLessThanOrEqual(26);
  });

  it('aligns columns by terminal width: wide characters count two', () => {
    const lines = tableLines(layoutTable({ columns: ['module', 'displayName', 'lifecycle'], rows: [['logcenter', '日志中心', 'aligned'], ['harbor', 'Harbor', 'agnostic']] }));
    expect(lines).toEqual(['module     displayName  lifecycle', 'logcenter  日志中心     aligned', 'harbor     Harbor       agnostic']);
  });

  it('shows control characters as escapes, never sends them to the terminal', () => {
    const lines = tableLines(layoutTable({ columns: ['name'], rows: [['\u001b[2Jred\tx\r']] }));
    expect(lines[1]).toBe('\\x1b[2Jred\\tx\\r');
  });
});

describe('wrapText and displayWidth', () => {
  it('breaks after a space (dropped), a slash or a comma', () => {
    expect(wrapText('/cpaas/backup/minio/cp1.tar', 14)).toEqual(['/cpaas/backup/', 'minio/cp1.tar']);
    expect(wrapText('a,b,c,d,e,f', 4)).toEqual(['a,b,', 'c,d,', 'e,f']);
    expect(wrapText('Log Center Plugin', 10)).toEqual(['Log Center', 'Plugin']);
  });

  it('counts terminal columns', () => {
    expect(displayWidth('harbor')).toBe(6);
    expect(displayWidth('日志')).toBe(4);
    expect(displayWidth('é')).toBe(1);
    expect(displayWidth('✅')).toBe(2);
  });
});

describe('markdownTable', () => {
  it('a GFM table: header, delimiter, one row per record', () => {
    expect(markdownTable(OPERATORS)).toEqual([
      '| cluster | name | installedCSV |',
      '|---|---|---|',
      '| global | harbor-ce-operator | harbor-ce-operator.v2.12.2 |',
      '| business-1 | mysql |  |',
    ]);
  });

  it('escapes pipes, line breaks and inline Markdown so a cell shows exactly its text', () => {
    expect(markdownCell('a|b')).toBe('a\\|b');
    expect(markdownCell('one\ntwo\r\nthree')).toBe('one<br>two<br>three');
    expect(markdownCell('<script>*x*_y_`z`[l](u) ~s~ &amp; \\')).toBe('\\<script\\>\\*x\\*\\_y\\_\\`z\\`\\[l\\](u) \\~s\\~ \\&amp; \\\\');
    expect(markdownTable({ columns: ['a|b'], rows: [['x\ny']] })).toEqual(['| a\\|b |', '|---|', '| x<br>y |']);
  });
});
