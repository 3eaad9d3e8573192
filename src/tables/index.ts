/** Outputs that are records, as tables: which values are tables, how a step's outputs are shown, and the layouts. */
export { markdownCell, markdownTable } from './markdown-table.js';
export { hostTable, outputViews, tableTitle, unitOutputs, type KeyedUnit, type OutputView, type UnitOutputs } from './output-views.js';
export { cellText, isCellValue, isPlainObject, isScalar, recordTable, type Scalar, type Table } from './record-table.js';
export { displayWidth, fitWidth, layoutTable, tableLines, visible, wrapText, type TextTable, type TextTableOptions } from './text-table.js';
