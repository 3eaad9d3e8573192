/** The owner of keys when no dialog is open: step selection, host switching, q. */
export const MAIN_VIEW: object = Object.freeze({ name: 'main view' });
